import type { StreamRecord } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { FeaturesPipeline, type CleanReadingFields } from './features.pipeline';

const PUMP = 'acme/berlin/press-shop/line-1/pump-1';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const TEN_YEARS = 10 * 365 * 86_400_000;

let offset = 0;
function power(at: number, value = 40): StreamRecord<CleanReadingFields> {
  const reading = { assetPath: PUMP, signal: 'power', unit: 'kW', value, readingTime: new Date(at), quality: 'GOOD' };
  return { topic: 'plant.telemetry.clean.v1', partition: 0, offset: String(offset++), key: PUMP, value: reading, timestamp: at, headers: {} };
}

describe('FeaturesPipeline', () => {
  it('keeps emitting features after a reading stamped ten years ahead, which it dead-letters with the reason', async () => {
    const pipeline = new FeaturesPipeline({
      windowMs: 10_000,
      allowedLatenessMs: 5_000,
      assetClassOf: () => 'pump',
      outputTopic: 'features',
      maxClockSkewMs: 5 * 60_000,
      clock: () => NOW,
    });
    const start = NOW - 10 * 60_000;
    const before = Array.from({ length: 30 }, (_, s) => power(start + s * 1000));
    const outlier = power(start + 30_000 + TEN_YEARS);
    const after = Array.from({ length: 30 }, (_, s) => power(start + 30_000 + s * 1000));
    const results = await pipeline.handle([...before, outlier, ...after]);
    const failed = results.filter((r) => r instanceof Error);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ record: outlier, cause: { name: 'EventTimeBeyondClockSkew' } });
    // Windows of the 60 s of good readings close up to the watermark (newest minus 5 s lateness): 5 of 6.
    expect(results.filter((r) => !(r instanceof Error))).toHaveLength(5);
    expect(pipeline.stats()).toMatchObject({ quarantined: 1, lateReadings: 0 });
  });
});
