import { describe, expect, it } from 'vitest';
import { type Reading, readingSchema } from '../test/support/schemas';
import { eachRecord } from './each-record';
import { RecordFailed } from './errors';
import type { StreamRecord } from './stream.types';
import { TestDriver } from './test.driver';
import { TumblingWindows } from './tumbling.windows';

const outSchema = {
  type: 'record',
  name: 'Out',
  namespace: 'test',
  fields: [
    { name: 'asset', type: 'string' },
    { name: 'v', type: 'double' },
  ],
};

describe('TestDriver', () => {
  it('runs a handler over a batch and returns outputs as consumers decode them', async () => {
    const driver = new TestDriver({
      inputs: { in: readingSchema },
      outputs: { out: outSchema },
      handler: async (records) => eachRecord(records as StreamRecord<Reading>[], (r) => ({ topic: 'out', key: r.value.asset, value: { asset: r.value.asset, v: r.value.v * 2 } })),
    });
    const outputs = await driver.pipe('in', [
      { key: 'a', value: { asset: 'a', at: 1, v: 1.5 } },
      { key: 'b', value: { asset: 'b', at: 2, v: 2 } },
    ]);
    expect(outputs).toEqual([
      { topic: 'out', key: 'a', value: { asset: 'a', v: 3 } },
      { topic: 'out', key: 'b', value: { asset: 'b', v: 4 } },
    ]);
  });

  it('dead-letters the record a handler fails on and keeps the rest of the batch', async () => {
    const driver = new TestDriver({
      outputs: { out: outSchema },
      handler: async (records) =>
        eachRecord(records as StreamRecord<{ v: number }>[], (r) => {
          if (r.value.v < 0) throw new Error('negative reading');
          return { topic: 'out', key: 'k', value: { asset: 'k', v: r.value.v } };
        }),
    });
    const outputs = await driver.pipe('in', [{ value: { v: 1 } }, { value: { v: -1 } }, { value: { v: 2 } }]);
    expect(outputs.map((o) => (o.value as { v: number }).v)).toEqual([1, 2]);
    expect(driver.deadLetters()).toMatchObject([{ stage: 'process', record: { offset: '1' }, error: { message: 'negative reading' } }]);
  });

  it('reruns a handler that throws record by record, dead-lettering only the records that fail alone', async () => {
    const driver = new TestDriver({
      outputs: { out: outSchema },
      handler: async (records) => {
        if (records.some((r) => (r.value as { v: number }).v === 0)) throw new Error('division by zero');
        return records.map((r) => ({ topic: 'out', key: 'k', value: { asset: 'k', v: 1 / (r.value as { v: number }).v } }));
      },
    });
    const outputs = await driver.pipe('in', [{ value: { v: 1 } }, { value: { v: 0 } }, { value: { v: 4 } }]);
    expect(outputs.map((o) => (o.value as { v: number }).v)).toEqual([1, 0.25]);
    expect(driver.deadLetters().map((d) => d.record.offset)).toEqual(['1']);
  });

  it('takes a thrown RecordFailed as that record failing and runs the rest again as one batch', async () => {
    let calls = 0;
    const driver = new TestDriver({
      outputs: { out: outSchema },
      handler: async (records) => {
        calls += 1;
        const bad = records.find((r) => r.key === 'bad');
        if (bad) throw new RecordFailed(bad, new Error('unknown asset'));
        return records.map((r) => ({ topic: 'out', key: r.key ?? '', value: { asset: r.key, v: 0 } }));
      },
    });
    await driver.pipe('in', [
      { key: 'a', value: {} },
      { key: 'bad', value: {} },
      { key: 'b', value: {} },
    ]);
    expect(calls).toBe(2);
    expect(driver.outputs('out').map((o) => o.key)).toEqual(['a', 'b']);
    expect(driver.deadLetters().map((d) => d.record.key)).toEqual(['bad']);
  });

  it('treats an output that does not match its schema as a processing failure of its record', async () => {
    const driver = new TestDriver({
      outputs: { out: outSchema },
      handler: async (records) => records.map((r) => ({ topic: 'out', key: 'k', value: { asset: 'k', v: r.value } })),
    });
    const outputs = await driver.pipe('in', [{ value: 1 }, { value: 'not a number' }]);
    expect(outputs).toHaveLength(1);
    expect(driver.deadLetters()).toMatchObject([{ record: { offset: '1' }, error: { name: 'RecordInvalid' } }]);
  });

  it('drives windowed handlers: one output per closed window', async () => {
    const windows = new TumblingWindows<string, number, number, Reading>({
      name: 'sum',
      sizeMs: 1_000,
      keyOf: (r) => r.value.asset,
      eventTimeOf: (r) => Number(r.value.at),
      init: () => 0,
      add: (sum, r) => sum + r.value.v,
      result: (sum) => sum,
    });
    const driver = new TestDriver({
      inputs: { in: readingSchema },
      outputs: { out: outSchema },
      handler: async (records) =>
        (records as StreamRecord<Reading>[]).flatMap((r) => windows.add(r)).map((w) => ({ topic: 'out', key: w.key, value: { asset: w.key, v: w.value } })),
    });
    await driver.pipe(
      'in',
      [1, 2, 3].map((v) => ({ value: { asset: 'a', at: v * 100, v } })),
    );
    expect(await driver.pipe('in', [{ value: { asset: 'a', at: 1_500, v: 10 } }])).toEqual([{ topic: 'out', key: 'a', value: { asset: 'a', v: 6 } }]);
  });

  it('delivers one partition ahead of the others, telling the windows which partitions still have records to come', async () => {
    const windows = new TumblingWindows<string, number, number, Reading>({
      name: 'count',
      sizeMs: 15 * 60_000,
      allowedLatenessMs: 2 * 60_000,
      keyOf: (r) => r.value.asset,
      eventTimeOf: (r) => Number(r.value.at),
      init: () => 0,
      add: (count) => count + 1,
      result: (count) => count,
    });
    const driver = new TestDriver({
      inputs: { in: readingSchema },
      outputs: { out: outSchema },
      state: [windows],
      handler: async (records) =>
        (records as StreamRecord<Reading>[]).flatMap((r) => windows.add(r)).map((w) => ({ topic: 'out', key: `${w.key}@${w.start}`, value: { asset: w.key, v: w.value } })),
    });
    const t0 = Date.UTC(2026, 4, 1, 6);
    ['press', 'pump', 'fan'].forEach((asset, partition) => {
      const half = Array.from({ length: 180 }, (_, i) => ({ partition, value: { asset, at: t0 + i * 10_000, v: 1 } }));
      driver.send('in', half);
    });
    for (const partition of [0, 1, 2]) await driver.deliver('in', [partition]);
    await driver.pipe('in', [{ partition: 0, value: { asset: 'press', at: t0 + 33 * 60_000, v: 1 } }]);
    expect(windows.stats()).toMatchObject({ lateRecords: 0 });
    expect(
      driver
        .outputs('out')
        .map((o) => [o.key, (o.value as { v: number }).v])
        .sort(),
    ).toEqual(
      ['fan', 'press', 'pump']
        .flatMap((asset) => [
          [`${asset}@${t0}`, 90],
          [`${asset}@${t0 + 15 * 60_000}`, 90],
        ])
        .sort(),
    );
  });
});
