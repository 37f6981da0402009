import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeIds, MessageSecurityMode, OPCUAClient, SecurityPolicy, type ClientSession } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../src/index';
import { brokerUrl, subscriber, type Received } from './mqtt-broker';

// A site of its own keeps other simulators on the shared broker out of this test's topics.
const site = `linestop-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The line a plant message belongs to: `acme/<site>/press-shop/<line>/…` or Sparkplug `spBv1.0/<site>/DDATA/press-shop.<line>/…`. */
function lineOf(message: Received): string | undefined {
  const levels = message.topic.split('/');
  if (levels[0] === 'acme') return levels[3];
  if (levels[0] === 'spBv1.0' && levels[2] === 'DDATA') return levels[3]?.split('.')[1];
  return undefined;
}

const protocolOf = (message: Received) => (message.topic.startsWith('spBv1.0/') ? 'sparkplug' : 'mqtt-json');

describe('simulator line stop on the real protocols', () => {
  let simulator: SimulatorHandle;
  let sub: Awaited<ReturnType<typeof subscriber>>;
  let client: OPCUAClient;
  let session: ClientSession;

  beforeAll(async () => {
    const url = brokerUrl();
    sub = await subscriber(url, [`acme/${site}/#`, `spBv1.0/${site}/#`]);
    simulator = await startSimulator({
      seed: 4,
      rate: 5,
      plant: { sites: [site] },
      json: true,
      sparkplug: true,
      opcua: {},
      mqtt: { url, clientIdPrefix: `sim-line-stop-${process.pid}` },
      stateDir: mkdtempSync(join(tmpdir(), 'sim-line-stop-')),
    });
    client = OPCUAClient.create({ endpointMustExist: false, securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, connectionStrategy: { maxRetry: 0 } });
    await client.connect(simulator.opcuaEndpoint ?? '');
    session = await client.createSession();
  });

  afterAll(async () => {
    await session?.close();
    await client?.disconnect();
    await simulator?.stop();
    await sub?.client.endAsync();
  });

  /** Source timestamps of one signal per line on the OPC UA server. */
  async function opcuaTimes(): Promise<Record<string, number>> {
    const lines = ['line-1', 'line-2'];
    const values = await session.read(lines.map((line) => ({ nodeId: `ns=1;s=${site}.${line}.pump-1.load`, attributeId: AttributeIds.Value })));
    return Object.fromEntries(lines.map((line, i) => [line, values[i]?.sourceTimestamp?.getTime() ?? 0]));
  }

  /** Lines heard per protocol in the messages from `from` on. */
  function heard(from: number): Record<string, string[]> {
    const lines: Record<string, Set<string>> = { 'mqtt-json': new Set(), sparkplug: new Set() };
    for (const message of sub.messages.slice(from)) {
      const line = lineOf(message);
      if (line) lines[protocolOf(message)]!.add(line);
    }
    return Object.fromEntries(Object.entries(lines).map(([protocol, set]) => [protocol, [...set].sort()]));
  }

  it('silences a stopped line on MQTT JSON, Sparkplug B and OPC UA, and brings it back on resume', async () => {
    await sub.waitFor((message) => lineOf(message) === 'line-2' && protocolOf(message) === 'sparkplug');
    expect(simulator.stopLine(`${site}/press-shop/line-2`)).toBe(`acme/${site}/press-shop/line-2`);
    await sleep(500); // batches already handed to the outputs are still delivered
    const stoppedFrom = sub.messages.length;
    const opcuaAtStop = await opcuaTimes();
    await sleep(1_500);
    expect(heard(stoppedFrom)).toEqual({ 'mqtt-json': ['line-1'], sparkplug: ['line-1'] });
    const opcuaStopped = await opcuaTimes();
    expect(opcuaStopped['line-2']).toBe(opcuaAtStop['line-2']);
    expect(opcuaStopped['line-1']).toBeGreaterThan(opcuaAtStop['line-1']!);

    simulator.resumeLine(`${site}/press-shop/line-2`);
    const resumedFrom = sub.messages.length;
    await sleep(1_000);
    expect(heard(resumedFrom)).toEqual({ 'mqtt-json': ['line-1', 'line-2'], sparkplug: ['line-1', 'line-2'] });
    expect((await opcuaTimes())['line-2']).toBeGreaterThan(opcuaStopped['line-2']!);
    expect(simulator.stoppedLines()).toEqual([]);
  });
});
