import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConnected, type SourceReading, type SourceReject } from '@fieldmesh/connect';
import { AcmeCse, DeviceWriter } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onem2mSourceConfigSchema } from '../src/config';
import { Onem2mSource } from '../src/source';

const GATEWAY = 'Cfieldmesh-gw-test';
const ASSET = 'acme/berlin/press-shop/line-1/press-7';

/** Drives the source as the gateway's runner does: reconnect on NotConnected, ack every batch. */
function collect(source: Onem2mSource) {
  const readings: SourceReading[] = [];
  const rejects: SourceReject[] = [];
  const abort = new AbortController();
  let reconnects = 0;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const batch = await source.read(abort.signal);
        readings.push(...batch.readings);
        rejects.push(...batch.rejects);
        await batch.ack();
      } catch (error) {
        if (abort.signal.aborted) return;
        if (!(error instanceof NotConnected)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300));
        await source.connect().then(
          () => void reconnects++,
          () => undefined,
        );
      }
    }
  })();
  return {
    readings,
    rejects,
    reconnects: () => reconnects,
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('oneM2M source against the ACME CSE', () => {
  let cse: AcmeCse;
  beforeAll(async () => {
    cse = await AcmeCse.start();
  });
  afterAll(async () => {
    await cse?.close();
  });

  it('delivers contentInstances as readings, dead-letters bad content and survives a CSE restart', async () => {
    const device = new DeviceWriter(cse.url, cse.cseBaseName, 'Cpress-7-box');
    await device.provision('press-7', ['temperature', 'pressure'], GATEWAY);
    await device.write('press-7/temperature', JSON.stringify({ value: 40.5, ts: '2026-12-07T10:00:00.000Z' }));

    const config = onem2mSourceConfigSchema.parse({
      cseUrl: cse.url,
      cseBaseName: cse.cseBaseName,
      originator: GATEWAY,
      livenessIntervalMs: 500,
      mappings: [
        { container: 'press-7/temperature', assetPath: ASSET, signal: 'oil_temperature', unit: 'Cel', valuePointer: '/value', timestampPointer: '/ts' },
        { container: 'press-7/pressure', assetPath: ASSET, signal: 'hydraulic_pressure', unit: 'bar' },
      ],
    });
    const context = { instanceName: 'onem2m-test', stateDir: mkdtempSync(join(tmpdir(), 'onem2m-state-')) };
    const source = new Onem2mSource(config, context);
    await source.connect();
    const run = collect(source);
    try {
      // The value written before the gateway subscribed comes from the container's latest (la), marked historical.
      await until('the latest contentInstance', () => run.readings.length === 1);
      expect(run.readings[0]).toMatchObject({ signal: 'oil_temperature', value: 40.5, readingTime: Date.parse('2026-12-07T10:00:00.000Z'), isHistorical: true });

      const before = Date.now();
      await device.write('press-7/temperature', JSON.stringify({ value: 61.25, ts: 1_796_000_000_000 }));
      await device.write('press-7/pressure', '182.5');
      await device.write('press-7/temperature', JSON.stringify({ temperature: 3 }));
      await device.write('press-7/temperature', Buffer.from(JSON.stringify({ value: 62, ts: 1_796_000_001_000 })).toString('base64'), 'application/json:1');
      await until('three readings and a reject', () => run.readings.length === 4 && run.rejects.length === 1);
      expect(run.readings.slice(1)).toMatchObject([
        {
          deviceId: expect.any(String),
          assetPath: ASSET,
          signal: 'oil_temperature',
          value: 61.25,
          unit: 'Cel',
          readingTime: 1_796_000_000_000,
          sourceProtocol: 'ONEM2M',
          sourceAddress: 'cse-in/press-7/temperature',
          isHistorical: false,
        },
        { assetPath: ASSET, signal: 'hydraulic_pressure', value: 182.5, unit: 'bar', isHistorical: false },
        { signal: 'oil_temperature', value: 62, readingTime: 1_796_000_001_000 },
      ]);
      // Without a timestamp pointer the CSE's creationTime (ct, UTC) is the reading's time.
      expect(run.readings[2]?.readingTime).toBeGreaterThanOrEqual(before - 1000);
      expect(run.readings[2]?.readingTime).toBeLessThanOrEqual(Date.now() + 1000);
      expect(run.rejects[0]).toMatchObject({ sourceAddress: 'cse-in/press-7/temperature', errorClass: 'ContentPointerMissing' });
      expect(run.rejects[0]?.reason).toContain('/value');
      expect(JSON.parse(run.rejects[0]?.payload.toString() ?? '{}')).toMatchObject({ 'm2m:cin': { con: '{"temperature":3}' } });

      // The CSE restarts and loses everything (in-memory database); the device provisions again.
      await cse.stop();
      await until('the loss of the CSE to be noticed', () => source.metrics().connectionsLost === 1, 15_000);
      await cse.run();
      await device.provision('press-7', ['temperature', 'pressure'], GATEWAY);
      await until('a resubscription', () => run.reconnects() >= 1, 30_000);
      await device.write('press-7/pressure', '190');
      await until('the reading after the restart', () => run.readings.some((r) => r.value === 190));
      expect(run.readings.at(-1)).toMatchObject({ signal: 'hydraulic_pressure', value: 190, isHistorical: false });
      expect(source.metrics()).toMatchObject({ verificationRequests: expect.any(Number), unknownContainerNotifications: 0, rejectsByErrorClass: { ContentPointerMissing: 1 } });
      expect(source.metrics().subscriptionsMade).toBe(4);
    } finally {
      await run.stop();
      await source.close();
    }

    // While the gateway is away the device goes on; the next source instance retrieves what was created
    // after the acked watermark, in order, and nothing it had already acked.
    await device.write('press-7/pressure', '201');
    await device.write('press-7/pressure', '202');
    const next = new Onem2mSource(config, context);
    await next.connect();
    const rerun = collect(next);
    try {
      await until('the backfill', () => rerun.readings.length === 2);
      expect(rerun.readings.map((r) => [r.value, r.isHistorical])).toEqual([
        [201, true],
        [202, true],
      ]);
      expect(next.metrics()).toMatchObject({ backfilled: 2, latestRead: 0 });
    } finally {
      await rerun.stop();
      await next.close();
    }
  });
});
