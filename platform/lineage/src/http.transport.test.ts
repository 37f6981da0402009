import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigInvalid } from '@fieldmesh/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkaDataset } from './dataset.factory';
import { LineageEmitFailed } from './errors';
import { lineageEmitter } from './lineage.emitter';
import { runEventSchema } from './openlineage.schema';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A local HTTP server that records what our client posts, answering with a chosen status. */
let server: Server;
let received: Received[];
let status: number;
let baseUrl: string;

beforeEach(async () => {
  received = [];
  status = 201;
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '' : '{"error":"bad event"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const job = {
  name: 'plant-telemetry.clean',
  inputs: [kafkaDataset('127.0.0.1:9092', 'plant.telemetry.raw.v1')],
  outputs: [kafkaDataset('127.0.0.1:9092', 'plant.telemetry.clean.v1')],
};

describe('lineage to an OpenLineage HTTP endpoint', () => {
  it('posts each run event as JSON to <url>/api/v1/lineage, with the bearer token', async () => {
    const emitter = lineageEmitter({ httpUrl: baseUrl, apiKey: 'secret-token' });
    const run = emitter.run(job);
    await run.start();
    await run.complete();
    expect(received.map((r) => [r.method, r.url, r.headers['content-type'], r.headers.authorization])).toEqual([
      ['POST', '/api/v1/lineage', 'application/json', 'Bearer secret-token'],
      ['POST', '/api/v1/lineage', 'application/json', 'Bearer secret-token'],
    ]);
    const events = received.map((r) => runEventSchema.parse(r.body));
    expect(events.map((e) => [e.eventType, e.run.runId, e.job.namespace, e.job.name])).toEqual([
      ['START', run.runId, 'fieldmesh', 'plant-telemetry.clean'],
      ['COMPLETE', run.runId, 'fieldmesh', 'plant-telemetry.clean'],
    ]);
    await emitter.close();
  });

  it('rejects with LineageEmitFailed naming the endpoint and the answer when the endpoint refuses', async () => {
    status = 400;
    const emitter = lineageEmitter({ httpUrl: baseUrl });
    const error = await emitter
      .run(job)
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageEmitFailed);
    expect(error).toMatchObject({ transport: 'http', target: `${baseUrl}api/v1/lineage`, eventType: 'START', message: expect.stringContaining('HTTP 400: {"error":"bad event"}') });
  });

  it('refuses a config that sends lineage nowhere', () => {
    expect(() => lineageEmitter({})).toThrow(ConfigInvalid);
    expect(() => lineageEmitter({})).toThrow(/kafka: needs kafka \(a KafkaPort\) or httpUrl/);
  });
});
