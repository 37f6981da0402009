import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineageEmitter } from './lineage.emitter';
import type { RunEvent } from './openlineage.schema';
import { streamJobLineage } from './stream-job.lineage';

// A local endpoint that records what the emitter posts: a narrow test of our own client.
const received: RunEvent[] = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    received.push(JSON.parse(body) as RunEvent);
    response.writeHead(200).end();
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('streamJobLineage', () => {
  it('reports a stream job from its input topics to its output topics, START then COMPLETE of one run', async () => {
    const hooks = streamJobLineage(lineageEmitter({ httpUrl: url }), ['127.0.0.1:9092']);
    const job = { name: 'asset-health.features', inputs: ['plant.telemetry.clean.v1'], outputs: { 'asset-health.features.v1': { type: 'record', name: 'F', fields: [{ name: 'mean', type: 'double' }] } } };
    await hooks.started(job);
    await hooks.stopped(job);
    expect(received.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(received[0]!.run.runId).toBe(received[1]!.run.runId);
    expect(received[0]!.inputs?.map((d) => d.name)).toEqual(['plant.telemetry.clean.v1']);
    expect(received[0]!.outputs?.map((d) => d.name)).toEqual(['asset-health.features.v1']);
    expect(received[0]!.outputs?.[0]?.facets).toHaveProperty('schema');
  });
});
