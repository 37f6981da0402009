import { afterEach, describe, expect, it } from 'vitest';
import { createTopics, JobProcess, produce, readTopic, type TestReading, testKafka, testSerde, waitFor } from './support/harness';

const kafka = testKafka();
const serde = testSerde();
const jobs: JobProcess[] = [];

afterEach(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.kill()));
});

const ASSETS = Array.from({ length: 12 }, (_, i) => `asset-${i}`);
const MINUTES = 30;
const PER_MINUTE = 4;
/** An hour ago, so every event time is well within the clock skew the windows accept. */
const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;

/** Minute `m` of every asset: PER_MINUTE readings, v = 1..PER_MINUTE, so each window sums to 10 over 4 readings. */
function minute(m: number): TestReading[] {
  return ASSETS.flatMap((asset) => Array.from({ length: PER_MINUTE }, (_, k) => ({ asset, at: T0 + m * 60_000 + k * 15_000, v: k + 1 })));
}

describe('a windowed job scaled out to two instances, exactly once', () => {
  it('killed with SIGKILL mid-run, restarted, its partitions and windows moving between instances: every window once and complete', async () => {
    const { input, output, groupId } = await createTopics(kafka, 6);
    const start = (instance: number): JobProcess => {
      // Slow batches of at most 40 records, so the kill lands with windows open and batches in flight.
      const job = new JobProcess('windowed', { groupId, input, output, transactionalId: `${groupId}.${instance}`, slowMs: 150, maxBatchRecords: 40 });
      jobs.push(job);
      return job;
    };
    const first = start(0);
    const second = start(1);
    await first.waitFor('instance 0 to start', () => first.count('ready') === 1);
    await second.waitFor('instance 1 to start', () => second.count('ready') === 1);

    // The input arrives over time, in five-minute slices of event time.
    let produced = 0;
    const produceSlice = async (): Promise<void> => {
      await produce(kafka, serde, input, Array.from({ length: 5 }, (_, i) => minute(produced + i)).flat());
      produced += 5;
    };
    await produceSlice();
    await produceSlice();
    await first.waitFor('instance 0 to handle a few batches', () => first.count('batch') >= 4);
    await first.kill();
    await produceSlice();
    await produceSlice();
    // Back with the same transactional.id: its start aborts whatever the killed process left open.
    const restarted = start(0);
    await restarted.waitFor('instance 0 to start again', () => restarted.count('ready') === 1);
    await produceSlice();
    await produceSlice();
    expect(produced).toBe(MINUTES);
    // A reading two minutes after the last one, per asset, closes every window of the 30 minutes.
    await produce(
      kafka,
      serde,
      input,
      ASSETS.map((asset) => ({ asset, at: T0 + (MINUTES + 2) * 60_000, v: 0 })),
    );

    const expected = ASSETS.length * MINUTES;
    const records = await readTopic(kafka, output, expected, 3_000, 90_000);
    const windows = await Promise.all(
      records.map(async (r) => (await serde.decode<{ asset: string; start: number; sum: number; count: number }>(r.value!, { topic: output })).value),
    );
    const byWindow = new Map<string, number>();
    for (const w of windows) byWindow.set(`${w.asset}@${Number(w.start) - T0}`, (byWindow.get(`${w.asset}@${Number(w.start) - T0}`) ?? 0) + 1);
    const duplicates = [...byWindow].filter(([, count]) => count > 1);
    expect(duplicates, 'windows produced more than once').toEqual([]);
    const missing = ASSETS.flatMap((asset) => Array.from({ length: MINUTES }, (_, m) => `${asset}@${m * 60_000}`)).filter((key) => !byWindow.has(key));
    expect(missing, 'windows never produced').toEqual([]);
    expect(windows.length).toBe(expected);
    // Complete: a window rebuilt by the instance that took its partition over has every reading, not only the replayed ones.
    expect(windows.filter((w) => Number(w.count) !== PER_MINUTE || Number(w.sum) !== 10)).toEqual([]);
    // Both instances handled batches after the restart: the partitions were shared again.
    await waitFor('both instances to have handled batches', () => second.count('batch') > 0 && restarted.count('batch') > 0, 30_000);
  }, 180_000);
});
