import { createServer, type Server, type Socket } from 'node:net';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kafkaService } from '../src/kafka.service';
import type { ServiceContext } from '../src/service';

/** A context naming the broker port, the stack (its CA) and the admin's password: all the probe reads. */
function contextFor(brokerPort: number): ServiceContext {
  const settings = { ports: { broker: brokerPort, controller: 0 }, secrets: { adminPassword: inject('kafkaSaslPassword') } };
  return { dir: '', stackDir: inject('stackDir'), logFile: '', cacheDir: '', repoRoot: '', settings, addresses: {} };
}

/** Warnings the process emits while `work` runs (Node emits them on a later tick). */
async function warningsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const listener = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  try {
    await work();
    await nextMacrotask();
  } finally {
    process.off('warning', listener);
  }
  return warnings;
}

const silent: Server[] = [];
const accepted: Socket[] = [];
afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await Promise.all(silent.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('the Kafka readiness probe of the stack', () => {
  it('asks a running broker for metadata without a negative timer (no TimeoutNegativeWarning on stack start)', async () => {
    const port = Number(inject('kafkaBrokers').split(',')[0]!.split(':')[1]);
    // Node reports a negative timer once per process: this must be the process's first Kafka request.
    expect(await warningsDuring(() => expect(kafkaService.probe(contextFor(port))).resolves.toBeUndefined())).toEqual([]);
  });

  it('fails while the port accepts connections but no broker answers, so readiness keeps polling', async () => {
    // A listener that accepts and never answers, like a JVM whose socket is bound before the broker serves.
    const server = createServer((socket) => accepted.push(socket));
    silent.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await expect(kafkaService.probe(contextFor(port))).rejects.toThrow();
  });
});
