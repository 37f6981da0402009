import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKafka, type ConsumedRecord, type KafkaConsumerPort, type KafkaPort } from '@fieldmesh/kafka';
import { inject } from 'vitest';

export function kafka(): KafkaPort {
  return createKafka({ clientId: 'serde-test', brokers: inject('kafkaBrokers').split(',') });
}

/** Names unique per run: the broker and the registry are shared by every test. */
export function uniqueName(prefix: string): string {
  return `test.serde-${prefix}.${randomUUID().slice(0, 8)}.v1`;
}

export const rawReadingSchema: object = JSON.parse(readFileSync(new URL('../../../schemas/plant-telemetry/RawReading.avsc', import.meta.url), 'utf8'));

/** A raw reading as the serde writes and reads it: bigint longs, Date timestamps. */
export function rawReading(sequenceNumber: bigint) {
  return {
    readingTime: new Date(1_795_000_000_000 + Number(sequenceNumber)),
    receivedTime: new Date(1_795_000_000_500 + Number(sequenceNumber)),
    gatewayId: 'gw-01',
    sequenceNumber,
    deviceId: 'plc-7',
    assetPath: 'acme/lyon/press-shop/line-2/press-4',
    signal: 'bearing_temperature',
    value: 70 + Number(sequenceNumber) / 4,
    valueText: null,
    unit: 'Cel',
    quality: 'GOOD',
    qualityCode: null,
    sourceProtocol: 'OPC_UA',
    sourceAddress: 'ns=2;s=Press4.Bearing.Temp',
    isHistorical: false,
    operatorBadge: null,
    attributes: { dataType: 'Double' },
  };
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Consumes until `count` distinct offsets arrived, handing each batch to `handler` first. */
export async function consumeAll(
  consumer: KafkaConsumerPort,
  count: number,
  handler: (records: ConsumedRecord[]) => Promise<void> = async () => undefined,
): Promise<ConsumedRecord[]> {
  const seen = new Map<string, ConsumedRecord>();
  await consumer.connect();
  await consumer.run(async ({ records }) => {
    await handler(records);
    for (const record of records) seen.set(`${record.partition}/${record.offset}`, record);
  });
  await waitFor(`${count} records`, () => seen.size >= count);
  return [...seen.values()].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/**
 * A pass-through HTTP proxy in front of the real registry that records each request line, so a test
 * can count what the serde asks the registry. It answers nothing itself.
 */
export async function countingProxy(targetUrl: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const upstream = await fetch(new URL(request.url!, targetUrl), {
      method: request.method!,
      headers: {
        'content-type': request.headers['content-type'] ?? 'application/vnd.schemaregistry.v1+json',
        // The registry is governed: the serde's credentials go through.
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      },
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  };
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    // A registry that cannot be reached drops the connection, so the serde under test reports it rather than waits.
    forward(request, response).catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
