import { describe, expect, it } from 'vitest';
import { CheckpointKafka, NOW } from './checkpoint-kafka.fake';
import { UnknownWindowedJob } from './errors';
import { plantClockStart } from './plant.clock';
import { resetWatermarks } from './watermark.reset';

/** The windowed jobs' groups as the domains derive them (pipeline.domains.test.ts checks that they do). */
const GROUPS = { clean: 'plant-telemetry.clean', energy: 'energy.consumption-15m', features: 'asset-health.features' } as const;

const TEN_YEARS = 10 * 365 * 86_400_000;

describe('resetWatermarks', () => {
  it("drops a job's persisted watermarks and keeps how far it had read, so its next start and the plant clock no longer follow them", async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(GROUPS.energy, { 'energy-consumption-15m': NOW + TEN_YEARS }, { 'plant.telemetry.clean.v1\u00000': '10814' });
    kafka.persist(GROUPS.features, { 'asset-health-features': NOW - 60_000 });

    const resets = await resetWatermarks(kafka, [GROUPS.energy], Object.values(GROUPS));

    expect(resets).toEqual([{ group: GROUPS.energy, dropped: { 'energy-consumption-15m': NOW + TEN_YEARS } }]);
    expect(await kafka.latest(GROUPS.energy)).toEqual({ watermarks: {}, readUntil: { 'plant.telemetry.clean.v1\u00000': '10814' } });
    expect((await kafka.latest(GROUPS.features))?.watermarks).toEqual({ 'asset-health-features': NOW - 60_000 });
    expect((await plantClockStart(kafka, { now: NOW, speed: 1, maxClockSkewMs: 300_000, groups: Object.values(GROUPS) })).untrusted).toEqual([]);
  });

  it('refuses a group that is not a windowed job, naming the ones that are', async () => {
    await expect(resetWatermarks(new CheckpointKafka(), ['energy.consumption'], Object.values(GROUPS))).rejects.toThrow(UnknownWindowedJob);
    await expect(resetWatermarks(new CheckpointKafka(), ['energy.consumption'], Object.values(GROUPS))).rejects.toThrow(
      /Name one of plant-telemetry.clean, energy.consumption-15m, asset-health.features/,
    );
  });

  it('resets every windowed job when none is named, and says when a job had nothing to reset', async () => {
    const kafka = new CheckpointKafka();
    kafka.persist(GROUPS.clean, { 'plant-telemetry-clean.dedupe': NOW });
    const resets = await resetWatermarks(kafka, undefined, Object.values(GROUPS));
    expect(resets.map((reset) => [reset.group, Object.keys(reset.dropped).length])).toEqual([
      [GROUPS.clean, 1],
      [GROUPS.energy, 0],
      [GROUPS.features, 0],
    ]);
  });
});
