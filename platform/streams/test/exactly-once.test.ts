import { afterEach, describe, expect, it } from 'vitest';
import { createTopics, JobProcess, produce, readTopic, type TestReading, testKafka, testSerde, waitFor } from './support/harness';

const kafka = testKafka();
const serde = testSerde();
const jobs: JobProcess[] = [];

afterEach(async () => {
  await Promise.all(jobs.splice(0).map((job) => job.kill()));
});

const ASSETS = Array.from({ length: 12 }, (_, i) => `asset-${i}`);
/** Kills of an instance during the run; `npm run test:long:exactly-once` sets more. */
const KILLS = Number(process.env.FIELDMESH_EXACTLY_ONCE_KILLS ?? '1');
/** Five-minute slices of event time: two before each kill, two while the instance is down, two at the end. */
const MINUTES = (4 * KILLS + 2) * 5;
const PER_MINUTE = 4;
/** Two hours and more ago, so every event time is well within the clock skew the windows accept. */
const T0 = Math.floor((Date.now() - (MINUTES + 60) * 60_000) / 60_000) * 60_000;

/** Minute `m` of every asset: PER_MINUTE readings, v = 1..PER_MINUTE, so each window sums to 10 over 4 readings. */
function minute(m: number): TestReading[] {
  return ASSETS.flatMap((asset) => Array.from({ length: PER_MINUTE }, (_, k) => ({ asset, at: T0 + m * 60_000 + k * 15_000, v: k + 1 })));
}

describe('a windowed job scaled out to two instances, exactly once', () => {
  it(
    'killed with SIGKILL mid-run, restarted, its partitions and windows moving between instances: every window once and complete',
    async () => {
      const began = Date.now();
      const { input, output, groupId } = await createTopics(kafka, 6);
      const start = (instance: number): JobProcess => {
        // Slow batches of at most 40 records, so the kill lands with windows open and batches in flight.
        const job = new JobProcess('windowed', { groupId, input, output, transactionalId: `${groupId}.${instance}`, slowMs: 150, maxBatchRecords: 40 });
        jobs.push(job);
        return job;
      };
      const instances = [start(0), start(1)];
      for (const [n, job] of instances.entries()) await job.waitFor(`instance ${n} to start`, () => job.count('ready') === 1);

      // The input arrives over time, in five-minute slices of event time, a minute per send as a plant sends
      // it: a send goes out one request per partition side by side, so a slice in one send could land on one
      // partition after the job had read minutes ahead on the others, making its first windows late (a caught-up
      // partition does not hold event time back; 1 run in 4 under load lost 4 windows so).
      let produced = 0;
      const produceSlice = async (): Promise<void> => {
        for (let i = 0; i < 5; i += 1) await produce(kafka, serde, input, minute(produced + i));
        produced += 5;
      };
      for (let kill = 0; kill < KILLS; kill += 1) {
        const n = kill % 2;
        const victim = instances[n]!;
        const before = victim.count('batch');
        await produceSlice();
        await produceSlice();
        await victim.waitFor(`instance ${n} to handle a few batches`, () => victim.count('batch') >= before + 4);
        await victim.kill();
        await produceSlice();
        await produceSlice();
        // Back with the same transactional.id: its start aborts whatever the killed process left open.
        const restarted = start(n);
        instances[n] = restarted;
        await restarted.waitFor(`instance ${n} to start again`, () => restarted.count('ready') === 1);
      }
      await produceSlice();
      await produceSlice();
      expect(produced).toBe(MINUTES);
      // A reading two minutes after the last one, per asset, closes every window of the run.
      await produce(
        kafka,
        serde,
        input,
        ASSETS.map((asset) => ({ asset, at: T0 + (MINUTES + 2) * 60_000, v: 0 })),
      );

      const expected = ASSETS.length * MINUTES;
      const records = await readTopic(kafka, output, expected, 3_000, 90_000);
      if (records.length < expected)
        console.error(
          `exactly-once: ${records.length} of ${expected} windows read; every process in start order (killed ones too): ${jobs.map((job) => job.describe()).join(' | ')}`,
        );
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
      // Both instances handled batches after the last restart: the partitions were shared again.
      await waitFor('both instances to have handled batches', () => instances.every((job) => job.count('batch') > 0), 30_000);
      console.log(`exactly-once: ${KILLS} kill(s), ${windows.length} windows of ${expected} expected, 0 duplicates, 0 missing, ${Math.round((Date.now() - began) / 1000)} s`);
    },
    120_000 + 60_000 * KILLS,
  );
});
