import { readDlqHeaders } from '@fieldmesh/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { type Reading, readingSchema, type WindowSum, windowSumSchema } from '../test/support/schemas';
import { checkpointTopicFor } from './checkpoint.store';
import { RecordFailed } from './errors';
import { memorySerde, MemoryKafka } from './memory.kafka';
import { runStreamJob, type StreamJob } from './stream-job';
import type { StreamOutput, StreamRecord } from './stream.types';
import { TumblingWindows } from './tumbling.windows';

const IN = 'readings';
const OUT = 'sums';
const MIN = 60_000;
const T0 = Date.UTC(2026, 4, 1, 6, 0, 0);
const jobs: StreamJob[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.close();
});

/** A windowed job summing each asset's readings per window; late records go to the DLQ with the reason. */
async function sumJob(kafka: MemoryKafka, options: { sizeMs: number; allowedLatenessMs: number; partitions: number }) {
  const serde = memorySerde();
  const windows = new TumblingWindows<string, { count: number; sum: number }, { count: number; sum: number }, Reading>({
    name: 'sums',
    sizeMs: options.sizeMs,
    allowedLatenessMs: options.allowedLatenessMs,
    keyOf: (r) => r.value.asset,
    eventTimeOf: (r) => Number(r.value.at),
    init: () => ({ count: 0, sum: 0 }),
    add: (acc, r) => ({ count: acc.count + 1, sum: acc.sum + r.value.v }),
    result: (acc) => acc,
    // Time is whatever the readings say; the clock only bounds the skew.
    clock: () => T0 + 24 * 60 * MIN,
  });
  const handler = async (records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> => {
    const late: RecordFailed[] = [];
    const results: Array<StreamOutput | RecordFailed> = [];
    for (const record of records as StreamRecord<Reading>[]) {
      const before = windows.stats().lateRecords;
      for (const w of windows.add(record)) results.push({ topic: OUT, key: w.key, value: { asset: w.key, start: w.start, end: w.end, sum: w.value.sum, count: w.value.count } });
      if (windows.stats().lateRecords > before) late.push(new RecordFailed(record, new Error('late')));
    }
    return [...results, ...late, ...windows.takeQuarantined()];
  };
  kafka.createTopic(IN, options.partitions);
  const writer = await serde.writerFor(IN, readingSchema);
  const job = await runStreamJob({ name: 'sums', kafka, serde, groupId: 'sums', inputs: [IN], outputs: { [OUT]: windowSumSchema }, handler, state: [windows] });
  jobs.push(job);
  const send = (partition: number, readings: Array<{ asset: string; at: number; v?: number }>) =>
    kafka.append(readings.map((r) => ({ topic: IN, partition, key: r.asset, value: serde.encode(writer, { asset: r.asset, at: r.at, v: r.v ?? 1 }) })));
  const sums = async () =>
    Promise.all(kafka.records(OUT).map(async (r) => (await serde.decode<WindowSum>(r.value as Buffer, { topic: OUT })).value)).then((values) =>
      values.map((s) => [s.asset, Number(s.start), Number(s.count)]),
    );
  return { job, windows, send, sums };
}

describe('runStreamJob where a new group starts', () => {
  it('reads only what arrives after it joined when told to start at the ends, so a run ignores earlier runs’ records', async () => {
    const kafka = new MemoryKafka();
    const serde = memorySerde();
    kafka.createTopic(IN, 1);
    const writer = await serde.writerFor(IN, readingSchema);
    const send = (asset: string) => kafka.append([{ topic: IN, key: asset, value: serde.encode(writer, { asset, at: T0, v: 1 }) }]);
    send('earlier');
    const handler = async (records: StreamRecord<unknown>[]): Promise<StreamOutput[]> =>
      (records as StreamRecord<Reading>[]).map((r) => ({ topic: OUT, key: r.value.asset, value: r.value }));
    jobs.push(await runStreamJob({ name: 'copy', kafka, serde, groupId: 'copy', inputs: [IN], outputs: { [OUT]: readingSchema }, handler, fromBeginning: false }));
    send('later');
    await kafka.drain('copy');
    const assets = await Promise.all(kafka.records(OUT).map(async (r) => (await serde.decode<Reading>(r.value as Buffer, { topic: OUT })).value.asset));
    expect(assets).toEqual(['later']);
  });
});

describe('runStreamJob with windows, on an in-memory broker', () => {
  // Batch 1 opens the first window; batch 2 closes it (at 70 s) and has a record late for it (5 s).
  async function closingBatchThatFails(failing: (topics: string[]) => boolean) {
    const kafka = new MemoryKafka();
    const { job, send, sums, windows } = await sumJob(kafka, { sizeMs: MIN, allowedLatenessMs: 0, partitions: 1 });
    send(0, [
      { asset: 'a', at: T0 + 10_000 },
      { asset: 'a', at: T0 + 20_000 },
    ]);
    expect(await kafka.deliver('sums')).toBe(true);
    send(0, [
      { asset: 'a', at: T0 + 70_000 },
      { asset: 'a', at: T0 + 5_000 },
    ]);
    kafka.failNextSend((records) => failing(records.map((r) => r.topic)));
    expect(await kafka.deliver('sums')).toBeInstanceOf(Error);
    await kafka.drain('sums');
    return { kafka, job, sums, windows };
  }

  it('a batch whose output send fails is replayed: the window it closed is produced once and its late record dead-lettered', async () => {
    const { kafka, job, sums, windows } = await closingBatchThatFails((topics) => topics.includes(OUT));
    expect(await sums()).toEqual([['a', T0, 2]]);
    // Dead letters are acknowledged before the outputs are sent, so the replay repeats this one.
    expect(kafka.records(`${IN}.dlq`).map((r) => readDlqHeaders(r.headers)?.offset)).toEqual(['3', '3']);
    expect(job.stats()).toMatchObject({ replays: 1, deadLettered: { process: 1 } });
    expect(windows.stats()).toMatchObject({ replayedRecords: 0 });
  });

  it('a batch whose dead-letter write fails is replayed: its late record is dead-lettered and the window it closed produced once', async () => {
    const { kafka, sums } = await closingBatchThatFails((topics) => topics.includes(`${IN}.dlq`));
    expect(await sums()).toEqual([['a', T0, 2]]);
    expect(kafka.records(`${IN}.dlq`).map((r) => readDlqHeaders(r.headers)?.offset)).toEqual(['3']);
  });

  it('a batch whose checkpoint send fails is replayed: the window it closed is produced again, never lost', async () => {
    const { kafka, sums } = await closingBatchThatFails((topics) => topics.includes(checkpointTopicFor('sums')));
    // The outputs were acknowledged before the checkpoint failed: at least once, the window's key names the duplicate.
    expect(await sums()).toEqual([
      ['a', T0, 2],
      ['a', T0, 2],
    ]);
    expect(kafka.records(`${IN}.dlq`).map((r) => readDlqHeaders(r.headers)?.offset)).toEqual(['3', '3']);
  });

  it("waits for partitions that are behind: three partitions, the first one's half hour read in a batch before the others', no record late", async () => {
    const kafka = new MemoryKafka();
    const { send, sums, windows } = await sumJob(kafka, { sizeMs: 15 * MIN, allowedLatenessMs: 2 * MIN, partitions: 3 });
    const assets = ['press', 'pump', 'fan'];
    assets.forEach((asset, partition) => {
      const half: Array<{ asset: string; at: number }> = [];
      for (let t = T0; t < T0 + 30 * MIN; t += 10_000) half.push({ asset, at: t });
      send(partition, half);
    });
    // The consumer hands the partitions over one batch each, the first all the way to minute 30.
    for (const partition of [0, 1, 2]) expect(await kafka.deliver('sums', { partitions: [partition] })).toBe(true);
    // Time goes on in one partition; the others are caught up and hold nothing back.
    send(0, [{ asset: 'press', at: T0 + 33 * MIN }]);
    await kafka.drain('sums');
    expect(windows.stats()).toMatchObject({ lateRecords: 0 });
    expect((await sums()).sort()).toEqual(
      assets
        .flatMap((asset) => [
          [asset, T0, 90],
          [asset, T0 + 15 * MIN, 90],
        ])
        .sort(),
    );
  });

  it('does not wait for a partition the group gave another member', async () => {
    const kafka = new MemoryKafka();
    const { send, sums } = await sumJob(kafka, { sizeMs: MIN, allowedLatenessMs: 0, partitions: 2 });
    send(0, [
      { asset: 'a', at: T0 + 10_000 },
      { asset: 'a', at: T0 + 70_000 },
    ]);
    // Partition 1 has records, but another member reads them.
    send(1, [{ asset: 'b', at: T0 + 5_000 }]);
    expect(await kafka.deliver('sums', { partitions: [0], assignment: [{ topic: IN, partition: 0 }] })).toBe(true);
    expect(await sums()).toEqual([['a', T0, 1]]);
  });
});
