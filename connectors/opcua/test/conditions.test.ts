import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceEvent } from '@fieldmesh/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionAcknowledgeRefused, OpcuaSource, parseOpcuaSourceConfig } from '../src/index';
import { PlantTestServer } from './fixtures/plant-test-server';
import { recordingLog } from './fixtures/source.harness';

const dir = mkdtempSync(join(tmpdir(), 'opcua-conditions-'));
let plant: PlantTestServer;
let opcua: OpcuaSource;
const compressor = 'acme/berlin/press-shop/line-1/compressor-1';
const pressureNodeId = PlantTestServer.nodeId('compressor-1', 'discharge_pressure');

/** Reads batches (acking each) until `done` holds for the events read so far. */
async function eventsUntil(done: (events: SourceEvent[]) => boolean, timeoutMs = 15_000): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  const deadline = AbortSignal.timeout(timeoutMs);
  while (!done(events)) {
    if (deadline.aborted) throw new Error(`timed out after ${timeoutMs} ms with events ${JSON.stringify(events)}`);
    const batch = await opcua.read(deadline).catch((error: unknown) => (deadline.aborted ? undefined : Promise.reject(error)));
    if (!batch) continue;
    events.push(...(batch.events ?? []));
    await batch.ack();
  }
  return events;
}

beforeAll(async () => {
  plant = await PlantTestServer.start({ pkiDir: join(dir, 'server-pki') });
  const parsed = parseOpcuaSourceConfig({
    endpointUrl: plant.endpointUrl,
    securityMode: 'None',
    securityPolicy: 'None',
    allowSecurityNone: true,
    nodes: [{ nodeId: pressureNodeId, assetPath: compressor, signal: 'discharge_pressure' }],
    events: {},
    subscription: { publishingInterval: 100, samplingInterval: 0 },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  opcua = new OpcuaSource(parsed.value, { instanceName: 'opcua-conditions', stateDir: join(dir, 'client') }, recordingLog());
  await opcua.connect();
});

afterAll(async () => {
  await opcua?.close();
  await plant?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('OPC UA Alarms & Conditions', () => {
  it("delivers an alarm going active with severity, message and the source signal's asset, then acknowledges it at the server with the operator's comment", async () => {
    plant.setValue('compressor-1', 'discharge_pressure', 13);
    const [raised] = await eventsUntil((events) => events.some((e) => e.conditionId === PlantTestServer.pressureAlarmId && e.active === true));
    const active = raised?.conditionId === PlantTestServer.pressureAlarmId && raised.active ? raised : undefined;
    expect(active).toMatchObject({
      eventType: 'ExclusiveLimitAlarmType',
      sourceNode: pressureNodeId,
      assetPath: compressor,
      signal: 'discharge_pressure',
      conditionName: 'discharge_pressure_high',
      active: true,
      acked: false,
      deviceId: PlantTestServer.applicationUri,
      sourceProtocol: 'OPC_UA',
    });
    expect(active?.eventId).toMatch(/^([0-9a-f]{2})+$/);
    expect(active?.severity).toBeGreaterThan(0);
    expect(active?.message).toContain('High');
    expect(plant.pressureAlarmState()).toEqual({ active: true, acked: false, comment: null });

    await opcua.acknowledgeCondition({ conditionId: active!.conditionId!, eventId: active!.eventId, comment: 'relief valve checked (alice)' });
    expect(plant.pressureAlarmState()).toEqual({ active: true, acked: true, comment: 'relief valve checked (alice)' });
    const after = await eventsUntil((events) => events.some((e) => e.conditionId === PlantTestServer.pressureAlarmId && e.acked === true));
    expect(after.find((e) => e.acked === true)).toMatchObject({ active: true, comment: 'relief valve checked (alice)', assetPath: compressor });
    expect(opcua.metrics()).toMatchObject({ conditionsAcknowledged: 1, eventsDropped: 0 });
  });

  it('learns the conditions raised before it connected (ConditionRefresh), without the refresh markers', async () => {
    // Cleared, then raised again: node-opcua retains an acknowledged condition no longer, even while it is active.
    plant.setValue('compressor-1', 'discharge_pressure', 7.5);
    plant.setValue('compressor-1', 'discharge_pressure', 13.5);
    expect(plant.pressureAlarmState()).toMatchObject({ active: true, acked: false });
    const parsed = parseOpcuaSourceConfig({ endpointUrl: plant.endpointUrl, securityMode: 'None', securityPolicy: 'None', allowSecurityNone: true, events: {} });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const late = new OpcuaSource(parsed.value, { instanceName: 'opcua-late', stateDir: join(dir, 'late') }, recordingLog());
    try {
      await late.connect();
      const batch = await late.read(AbortSignal.timeout(10_000));
      expect(batch.events?.map((e) => [e.conditionId, e.active, e.acked, e.eventType])).toEqual([[PlantTestServer.pressureAlarmId, true, false, 'ExclusiveLimitAlarmType']]);
    } finally {
      await late.close();
    }
  });

  it('names the server status when it refuses an acknowledgement of an event it does not know', async () => {
    const attempt = opcua.acknowledgeCondition({ conditionId: PlantTestServer.pressureAlarmId, eventId: '00'.repeat(16), comment: 'again' });
    await expect(attempt).rejects.toBeInstanceOf(ConditionAcknowledgeRefused);
    await expect(attempt).rejects.toThrow(/refused to acknowledge condition ns=1;s=berlin\.line-1\.compressor-1\.discharge_pressure_high .*: BadEventIdUnknown/);
  });
});
