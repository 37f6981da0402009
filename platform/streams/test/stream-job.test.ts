import { readDlqHeaders } from '@fieldmesh/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamJob } from '../src/index';
import { committedOffsets, createTopics, JobProcess, produce, readTopic, testKafka, testSerde, type TestReading } from './support/harness';
import { passThroughJob, windowedSumJob } from './support/test-jobs';

const kafka = testKafka();
const serde = testSerde();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function track<T extends StreamJob | JobProcess>(job: T): T {
  cleanup.push(() => (job instanceof JobProcess ? job.kill() : job.close()));
  return job;
}

async function decodedValues(topic: string, count: number): Promise<unknown[]> {
  const records = await readTopic(kafka, topic, count);
  return Promise.all(records.map(async (r) => (await serde.decode(r.value as Buffer, { topic })).value));
}

const readings = (count: number, from = 0): TestReading[] =>
  Array.from({ length: count }, (_, i) => ({ asset: `asset-${(from + i) % 7}`, at: 1_700_000_000_000 + from + i, v: from + i }));

describe('runStreamJob on a real broker', () => {
  it('replays a batch whose job was killed before the commit: every input reaches the output', async () => {
    const topics = await createTopics(kafka, 2);
    await produce(kafka, serde, topics.input, readings(2_000));
    const child = track(new JobProcess('pass-through', { ...topics, slowMs: 1_500 }));
    // Kill while the second handler call is in progress: its records are read but not committed.
    await child.waitFor('a second batch', () => child.count('batch') >= 2);
    await child.kill();
    const committed = await committedOffsets(kafka, topics.groupId, topics.input);
    const committedTotal = Object.values(committed).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);
    expect(committedTotal).toBeLessThan(2_000);

    track(await passThroughJob({ kafka, serde, ...topics }));
    const out = (await decodedValues(topics.output, 2_000)) as Array<{ v: number }>;
    expect(new Set(out.map((r) => r.v)).size).toBe(2_000);
  });

  it('sends corrupt bytes and records the handler fails on to the DLQ while the rest flows', async () => {
    const topics = await createTopics(kafka, 1);
    const good = readings(50);
    await produce(kafka, serde, topics.input, [...good.slice(0, 20), Buffer.from('not avro at all'), { asset: 'asset-bad', at: 1, v: -1 }, ...good.slice(20)]);
    const job = track(await passThroughJob({ kafka, serde, ...topics }));

    const out = (await decodedValues(topics.output, 50)) as Array<{ v: number }>;
    expect(out.map((r) => r.v).sort((a, b) => a - b)).toEqual(good.map((r) => r.v));
    const dead = await readTopic(kafka, `${topics.input}.dlq`, 2);
    expect(dead.map((r) => [readDlqHeaders(r.headers)?.stage, readDlqHeaders(r.headers)?.offset])).toEqual([
      ['deserialize', '20'],
      ['process', '21'],
    ]);
    expect(readDlqHeaders(dead[1]?.headers ?? {})?.exceptionMessage).toContain('negative reading -1');
    expect(dead[0]?.value?.toString()).toBe('not avro at all');
    expect(job.stats().deadLettered).toEqual({ deserialize: 1, process: 1, validateInput: 0, validateOutput: 0 });
  });

  it('keeps open windows replayable: killed during an open window, the restarted job emits every window once and complete', async () => {
    const topics = await createTopics(kafka, 1);
    const minute = (m: number, s: number): number => m * 60_000 + s * 1_000;
    // 20 s allowed lateness; offset 3 is out of order and belongs to the first window, which offset 4 closes.
    await produce(kafka, serde, topics.input, [
      { asset: 'a', at: minute(0, 10), v: 1 },
      { asset: 'b', at: minute(0, 30), v: 10 },
      { asset: 'a', at: minute(1, 10), v: 100 },
      { asset: 'b', at: minute(0, 55), v: 5 },
      { asset: 'a', at: minute(1, 25), v: 200 },
    ]);
    const first = track(new JobProcess('windowed', topics));
    const firstWindows = await decodedValues(topics.output, 2);
    expect(firstWindows).toEqual([
      { asset: 'a', start: 0n, end: 60_000n, sum: 1, count: 1 },
      { asset: 'b', start: 0n, end: 60_000n, sum: 15, count: 2 },
    ]);
    await first.waitFor('the commit after the closing batch', () => first.count('batch') >= 1);
    // The commit stops at the oldest record of the open window (offset 2), not at the end (5).
    await expect.poll(() => committedOffsets(kafka, topics.groupId, topics.input), { timeout: 10_000 }).toEqual({ 0: '2' });
    await first.kill();

    track(await windowedSumJob({ kafka, serde, ...topics }));
    await produce(kafka, serde, topics.input, [{ asset: 'a', at: minute(2, 30), v: 0 }]);
    const all = await decodedValues(topics.output, 3);
    expect(all).toEqual([...firstWindows, { asset: 'a', start: 60_000n, end: 120_000n, sum: 300, count: 2 }]);
  });

  it('dead-letters a reading stamped ten years ahead and keeps closing windows after it, as it would for the whole run', async () => {
    const topics = await createTopics(kafka, 1);
    const minute = (m: number, s: number): number => m * 60_000 + s * 1_000;
    const tenYearsAhead = Date.now() + 10 * 365 * 86_400_000;
    await produce(kafka, serde, topics.input, [
      { asset: 'a', at: minute(0, 10), v: 1 },
      { asset: 'a', at: tenYearsAhead, v: 1_000 },
      { asset: 'a', at: minute(0, 40), v: 2 },
      { asset: 'a', at: minute(1, 30), v: 4 },
      { asset: 'a', at: minute(2, 30), v: 8 },
    ]);
    track(await windowedSumJob({ kafka, serde, ...topics }));
    expect(await decodedValues(topics.output, 2)).toEqual([
      { asset: 'a', start: 0n, end: 60_000n, sum: 3, count: 2 },
      { asset: 'a', start: 60_000n, end: 120_000n, sum: 4, count: 1 },
    ]);
    const [dead] = await readTopic(kafka, `${topics.input}.dlq`, 1);
    const headers = readDlqHeaders(dead?.headers ?? {});
    expect([headers?.stage, headers?.offset, headers?.exceptionClassName]).toEqual(['process', '1', 'EventTimeBeyondClockSkew']);
    expect(headers?.exceptionMessage).toContain('beyond the maximum clock skew');
  });
});
