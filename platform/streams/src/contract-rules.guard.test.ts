import { compileContractRules, type DataContract, type LoadedContract, RecordBreaksContract } from '@fieldmesh/governance';
import { readDlqHeaders } from '@fieldmesh/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { type Reading, readingSchema } from '../test/support/schemas';
import { memorySerde, MemoryKafka } from './memory.kafka';
import { PRODUCED_BY_HEADER, runStreamJob, type StreamJob } from './stream-job';
import type { StreamOutput, StreamRecord } from './stream.types';
import { TestDriver } from './test.driver';

const IN = 'readings';
const OUT = 'scaled';
const jobs: StreamJob[] = [];
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.close();
});

/** A contract with only what compiled rules read: its id and quality rules. */
function contractWith(id: string, quality: DataContract['quality']): LoadedContract {
  return { contract: { id, quality } } as unknown as LoadedContract;
}

const inputRules = compileContractRules(contractWith('test.readings', [{ name: 'asset-named', field: 'asset', rule: 'pattern', pattern: '^asset-' }]));
const outputRules = compileContractRules(
  contractWith('test.scaled', [
    { name: 'v-non-negative', field: 'v', rule: 'range', min: 0 },
    { name: 'v-at-most-100', field: 'v', rule: 'range', max: 100 },
  ]),
);

/** Multiplies each reading by ten: a reading of -1 or of 20 gives an output its contract forbids. */
const times10 = async (records: StreamRecord<unknown>[]): Promise<StreamOutput[]> =>
  (records as StreamRecord<Reading>[]).map((r) => ({ topic: OUT, key: r.value.asset, value: { ...r.value, v: r.value.v * 10 }, headers: { trace: 't-1' } }));

async function scaledJob(kafka: MemoryKafka, options: { rules: boolean } = { rules: true }) {
  const serde = memorySerde();
  kafka.createTopic(IN, 1);
  const writer = await serde.writerFor(IN, readingSchema);
  const job = await runStreamJob({
    name: 'scale',
    kafka,
    serde,
    groupId: 'scale',
    inputs: [IN],
    outputs: { [OUT]: readingSchema },
    handler: times10,
    ...(options.rules ? { rules: { inputs: { [IN]: inputRules }, outputs: { [OUT]: outputRules } } } : {}),
  });
  jobs.push(job);
  const send = (readings: Array<{ asset: string; v: number }>) =>
    kafka.append(readings.map((r) => ({ topic: IN, key: r.asset, value: serde.encode(writer, { asset: r.asset, at: 1, v: r.v }) })));
  const decode = async (topic: string, bytes: Buffer | null) => (await serde.decode<Reading>(bytes as Buffer, { topic })).value;
  return { job, send, decode };
}

describe('runStreamJob with the contracts’ rules', () => {
  it('dead-letters an output that breaks its contract to the output’s DLQ instead of producing it, naming rule and field, and goes on', async () => {
    const kafka = new MemoryKafka();
    const { job, send, decode } = await scaledJob(kafka);
    send([
      { asset: 'asset-1', v: 1 },
      { asset: 'asset-2', v: -1 },
      { asset: 'asset-3', v: 2 },
    ]);
    await kafka.drain('scale');

    expect(await Promise.all(kafka.records(OUT).map(async (r) => (await decode(OUT, r.value)).asset))).toEqual(['asset-1', 'asset-3']);
    const [letter, ...others] = kafka.records(`${OUT}.dlq`);
    expect(others).toHaveLength(0);
    const headers = readDlqHeaders(letter!.headers)!;
    expect(headers).toMatchObject({ topic: OUT, partition: -1, offset: '-1', stage: 'validate-output', exceptionClassName: 'RecordBreaksContract' });
    expect(headers.exceptionMessage).toContain('scale produced a record of scaled that breaks contract test.scaled: rule v-non-negative on field v: must be >= 0, got -10');
    // The output as computed, framed for its topic, with the job that computed it and the handler's headers.
    expect(await decode(OUT, letter!.value)).toEqual({ asset: 'asset-2', at: 1n, v: -10 });
    expect(letter!.key?.toString()).toBe('asset-2');
    expect(letter!.headers[PRODUCED_BY_HEADER]?.toString()).toBe('scale');
    expect(letter!.headers.trace?.toString()).toBe('t-1');
    expect(kafka.records(`${IN}.dlq`)).toHaveLength(0);

    expect(job.stats()).toMatchObject({ recordsIn: 3, recordsOut: 2, deadLettered: { deserialize: 0, process: 0, validateInput: 0, validateOutput: 1 } });
    expect(job.stats().ruleViolations).toEqual([{ side: 'output', topic: OUT, contract: 'test.scaled', rule: 'v-non-negative', field: 'v', count: 1 }]);
  });

  it('dead-letters an input that breaks its contract unprocessed, on the input’s DLQ with the reason, bytes unchanged', async () => {
    const kafka = new MemoryKafka();
    const { job, send, decode } = await scaledJob(kafka);
    send([
      { asset: 'asset-1', v: 1 },
      { asset: 'pump', v: 2 },
    ]);
    await kafka.drain('scale');

    expect(kafka.records(OUT)).toHaveLength(1);
    const [letter] = kafka.records(`${IN}.dlq`);
    expect(letter!.value).toEqual(kafka.records(IN)[1]!.value);
    expect(await decode(IN, letter!.value)).toMatchObject({ asset: 'pump' });
    const headers = readDlqHeaders(letter!.headers)!;
    expect(headers).toMatchObject({ topic: IN, partition: 0, offset: '1', stage: 'validate-input', exceptionClassName: 'RecordBreaksContract' });
    expect(headers.exceptionMessage).toContain(
      "scale read a record of readings that breaks contract test.readings: rule asset-named on field asset: must match ^asset-, got 'pump'",
    );
    expect(job.stats().deadLettered).toMatchObject({ validateInput: 1, validateOutput: 0 });
    expect(job.stats().ruleViolations).toEqual([{ side: 'input', topic: IN, contract: 'test.readings', rule: 'asset-named', field: 'asset', count: 1 }]);
  });

  it('counts each rule a record breaks, and counts a batch once even when its dead letters had to be sent again', async () => {
    const kafka = new MemoryKafka();
    const { job, send } = await scaledJob(kafka);
    kafka.failNextSend((records) => records.some((r) => r.topic === `${OUT}.dlq`));
    send([{ asset: 'asset-1', v: -20 }]);
    await kafka.drain('scale');
    send([{ asset: 'asset-2', v: 20 }]);
    await kafka.drain('scale');

    expect(job.stats()).toMatchObject({ replays: 1, recordsOut: 0, deadLettered: { validateOutput: 2 } });
    expect(kafka.records(`${OUT}.dlq`)).toHaveLength(2);
    expect(job.stats().ruleViolations).toEqual([
      { side: 'output', topic: OUT, contract: 'test.scaled', rule: 'v-non-negative', field: 'v', count: 1 },
      { side: 'output', topic: OUT, contract: 'test.scaled', rule: 'v-at-most-100', field: 'v', count: 1 },
    ]);
  });

  it('produces whatever the handler computes when no rules are given', async () => {
    const kafka = new MemoryKafka();
    const { job, send } = await scaledJob(kafka, { rules: false });
    send([{ asset: 'pump', v: -1 }]);
    await kafka.drain('scale');
    expect(kafka.records(OUT)).toHaveLength(1);
    expect(job.stats()).toMatchObject({ deadLettered: { validateInput: 0, validateOutput: 0 }, ruleViolations: [] });
  });
});

describe('TestDriver with the contracts’ rules', () => {
  it('dead-letters rule-breaking inputs and outputs as runStreamJob does', async () => {
    const driver = new TestDriver({
      handler: times10,
      inputs: { [IN]: readingSchema },
      outputs: { [OUT]: readingSchema },
      rules: { inputs: { [IN]: inputRules }, outputs: { [OUT]: outputRules } },
    });
    const produced = await driver.pipe(IN, [
      { key: 'asset-1', value: { asset: 'asset-1', at: 1, v: 1 } },
      { key: 'pump', value: { asset: 'pump', at: 1, v: 1 } },
      { key: 'asset-2', value: { asset: 'asset-2', at: 1, v: 11 } },
    ]);
    expect(produced.map((o) => o.key)).toEqual(['asset-1']);
    expect(driver.deadLetters().map((l) => [l.stage, l.record.topic, l.record.key, l.error instanceof RecordBreaksContract])).toEqual([
      ['validate-input', IN, 'pump', true],
      ['validate-output', OUT, 'asset-2', true],
    ]);
    expect(driver.ruleViolations().map((v) => [v.side, v.rule, v.count])).toEqual([
      ['input', 'asset-named', 1],
      ['output', 'v-at-most-100', 1],
    ]);
  });
});
