import type { KafkaPort } from '@fieldmesh/kafka';
import { checkpointTopicFor } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { CheckpointKafka, MINUTE, NOW } from './checkpoint-kafka.fake';
import { plantClockStart } from './plant.clock';

/** The windowed jobs' groups as the domains derive them (pipeline.domains.test.ts checks that they do). */
const GROUPS = { clean: 'plant-telemetry.clean', energy: 'energy.consumption-15m', features: 'asset-health.features' } as const;

const SKEW = 5 * MINUTE;
/** The plant at wall-clock speed: only the watermarks decide. */
const realTime = { now: NOW, speed: 1, maxClockSkewMs: SKEW, groups: Object.values(GROUPS) };
const startOf = async (kafka: KafkaPort, options = realTime) => (await plantClockStart(kafka, options)).startMs;

describe('plantClockStart', () => {
  it('starts the plant now on a first run, reading the checkpoints of every windowed job', async () => {
    const kafka = new CheckpointKafka();
    expect(await startOf(kafka)).toBe(NOW);
    expect(kafka.created.sort()).toEqual(Object.values(GROUPS).map(checkpointTopicFor).sort());
  });

  it('starts now when the persisted watermarks are more than the margin of ten seconds behind it', async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(GROUPS.clean, { clean: NOW - 5 * MINUTE });
    kafka.persist(GROUPS.features, { features: NOW - 10_001 });
    expect(await startOf(kafka)).toBe(NOW);
  });

  it("starts ten seconds after the newest watermark of any job and state when an earlier, faster plant left them ahead, so this run's readings are not late", async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(GROUPS.clean, { clean: NOW + 1 * MINUTE });
    kafka.persist(GROUPS.energy, { consumption: NOW + 2 * MINUTE, meters: NOW + 4 * MINUTE });
    kafka.persist(GROUPS.features, { features: NOW + 3 * MINUTE });
    expect(await startOf(kafka)).toBe(NOW + 4 * MINUTE + 10_000);
  });

  it('keeps the margin for a watermark less than ten seconds behind now, and reads only the latest checkpoint of a job', async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(GROUPS.features, { features: NOW + 60 * MINUTE });
    kafka.persist(GROUPS.features, { features: NOW - 4_000 });
    expect(await startOf(kafka)).toBe(NOW + 6_000);
  });

  it('starts a plant ten times faster than the wall clock in the past, so it runs at full speed for the planned run and ends 30 s inside the clock skew', async () => {
    const kafka = new CheckpointKafka();
    const clock = await plantClockStart(kafka, { now: NOW, speed: 10, maxClockSkewMs: SKEW, plannedRunMs: 2 * MINUTE, groups: Object.values(GROUPS) });
    // Two wall minutes at 10x are 20 plant minutes: 18 gained on the wall clock, of which the lead (skew - 30 s) covers 4.5.
    expect(clock.maxLeadMs).toBe(4.5 * MINUTE);
    expect(clock.startMs).toBe(NOW - 13.5 * MINUTE);
    expect(clock.fullSpeedForMs).toBe(2 * MINUTE);
    expect(clock.fullRunAfterMs).toBe(0);
  });

  it('right after a run that used the whole lead, starts within the lead (so the simulator publishes at once, at real time) and says how long until a full-speed run fits again', async () => {
    const kafka = new CheckpointKafka();
    // The first run ended with its plant 4.5 min ahead; the features job's watermark trails by its 5 s lateness; 20 s passed.
    kafka.persist(GROUPS.features, { 'asset-health-features': NOW + 4.5 * MINUTE - 5_000 - 20_000 });
    const clock = await plantClockStart(kafka, { now: NOW, speed: 10, maxClockSkewMs: SKEW, plannedRunMs: 2 * MINUTE, groups: Object.values(GROUPS) });
    expect(clock.startMs).toBe(NOW + 4.5 * MINUTE - 15_000);
    expect(clock.startMs).toBeLessThanOrEqual(NOW + clock.maxLeadMs);
    expect(clock.fullSpeedForMs).toBe(Math.floor(15_000 / 9));
    expect(clock.fullRunAfterMs).toBe(18 * MINUTE - 15_000);
  });

  it('ignores a watermark ten years ahead instead of starting the plant there, and names it', async () => {
    const kafka = new CheckpointKafka();
    const tenYears = 10 * 365 * 24 * 60 * MINUTE;
    kafka.persist(GROUPS.energy, { 'energy-consumption-15m': NOW + tenYears });
    kafka.persist(GROUPS.features, { 'asset-health-features': NOW - 2 * MINUTE });
    const clock = await plantClockStart(kafka, realTime);
    expect(clock.startMs).toBe(NOW);
    expect(clock.untrusted).toEqual([{ group: GROUPS.energy, state: 'energy-consumption-15m', watermark: NOW + tenYears }]);
  });
});
