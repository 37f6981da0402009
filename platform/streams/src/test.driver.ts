import { AvroCodec, createAvroType, decodeLimitsSchema } from '@fieldmesh/serde';
import { processBatch } from './batch.processor';
import { ContractRulesGuard, RULE_STAGES, type RuleViolationCount, type StreamJobRules } from './contract-rules.guard';
import { UndeclaredOutputTopic } from './errors';
import { partitionKey } from './partition.position';
import type { ReplayableState } from './replayable.state';
import type { StreamHandler } from './stream-handler.types';
import type { StreamOutput, StreamRecord } from './stream.types';

/** A record to pipe into a TestDriver; partition 0 and the next offset of that partition unless given. */
export interface TestInput {
  key?: string | null;
  value: unknown;
  /** Kafka timestamp, epoch ms. Default: the driver's clock. */
  timestamp?: number;
  partition?: number;
  headers?: Record<string, string>;
}

/**
 * What the driver dead-lettered: the record, the stage and the error. Stage 'process': the handler
 * failed on the input; 'validate-input': the input broke its contract's rules; 'validate-output': an
 * output broke its contract's rules (the record is that output, partition -1, not produced).
 */
export interface TestDeadLetter {
  record: StreamRecord<unknown>;
  stage: 'process' | 'validate-input' | 'validate-output';
  error: unknown;
}

export interface TestDriverOptions {
  handler: StreamHandler;
  /** Output topic → Avro schema: outputs are encoded and decoded with it, so tests see what consumers see. */
  outputs: Record<string, object>;
  /** Input topic → Avro schema: piped values round-trip through it (e.g. numbers become bigint longs). */
  inputs?: Record<string, object>;
  /** Kafka timestamp for inputs without one. Default Date.now. */
  clock?: () => number;
  /**
   * The handler's states (TumblingWindows), told before each batch which partitions have records to
   * come (those in the batch and those with records sent but not delivered), as runStreamJob tells them.
   */
  state?: ReplayableState[];
  /** The contracts' rules of inputs and outputs, applied as runStreamJob applies them. */
  rules?: StreamJobRules;
}

/**
 * Runs a stream handler in memory the way runStreamJob does (batches, RecordFailed, record-by-record
 * rerun of a throwing handler, output schemas), without Kafka or a registry: Kafka Streams'
 * TopologyTestDriver for Fieldmesh. Each pipe() is one batch; send() and deliver() split what a topic
 * holds from what the consumer has fetched, e.g. to deliver one partition ahead of the others.
 */
export class TestDriver {
  private readonly outputCodecs = new Map<string, AvroCodec>();
  private readonly inputCodecs = new Map<string, AvroCodec>();
  private readonly nextOffsets = new Map<string, number>();
  private readonly produced: StreamOutput[] = [];
  private readonly dead: TestDeadLetter[] = [];
  /** Records sent and not delivered yet, in the order sent. */
  private waiting: StreamRecord<unknown>[] = [];
  private readonly clock: () => number;
  private readonly guard: ContractRulesGuard;

  constructor(private readonly options: TestDriverOptions) {
    const limits = decodeLimitsSchema.parse({});
    for (const [topic, schema] of Object.entries(options.outputs)) this.outputCodecs.set(topic, new AvroCodec(createAvroType(schema), limits));
    for (const [topic, schema] of Object.entries(options.inputs ?? {})) this.inputCodecs.set(topic, new AvroCodec(createAvroType(schema), limits));
    this.clock = options.clock ?? Date.now;
    this.guard = new ContractRulesGuard('test-driver', options.rules);
  }

  /** Hands `inputs` (after any records of their partitions still waiting) to the handler as one batch; resolves with this batch's outputs (decoded). */
  pipe(topic: string, inputs: TestInput[]): Promise<StreamOutput[]> {
    this.send(topic, inputs);
    return this.deliver(topic, [...new Set(inputs.map((input) => input.partition ?? 0))]);
  }

  /** Appends records to the topic's partitions without handing them to the handler: they wait, not yet fetched. */
  send(topic: string, inputs: TestInput[]): void {
    for (const input of inputs) this.waiting.push(this.toRecord(topic, input));
  }

  /** Hands the waiting records of `topic` (of `partitions` only, when given) to the handler as one batch, in the order sent. */
  async deliver(topic: string, partitions?: number[]): Promise<StreamOutput[]> {
    const taken = (record: StreamRecord<unknown>) => record.topic === topic && (partitions === undefined || partitions.includes(record.partition));
    const delivered = this.waiting.filter(taken);
    this.waiting = this.waiting.filter((record) => !taken(record));
    const pending = new Set([...delivered, ...this.waiting].map((record) => partitionKey(record.topic, record.partition)));
    for (const state of this.options.state ?? []) state.progress?.({ pending });
    const letters: TestDeadLetter[] = [];
    const records: StreamRecord<unknown>[] = [];
    for (const record of delivered) {
      const broken = this.guard.checkInput(record.topic, record.value);
      if (broken) letters.push({ record, stage: RULE_STAGES.input, error: broken });
      else records.push(record);
    }
    const { encoded, failed } = await processBatch(this.options.handler, records, (output) => this.roundTrip(output));
    for (const failure of failed) letters.push({ record: failure.record, stage: 'process', error: failure.cause ?? failure });
    const produced: StreamOutput[] = [];
    for (const output of encoded) {
      const broken = this.guard.checkOutput(output.topic, output.value);
      if (!broken) produced.push(output);
      else
        letters.push({
          record: {
            topic: output.topic,
            partition: -1,
            offset: '-1',
            key: output.key,
            value: output.value,
            timestamp: output.timestamp ?? this.clock(),
            headers: output.headers ?? {},
          },
          stage: RULE_STAGES.output,
          error: broken,
        });
    }
    this.guard.count(letters);
    this.dead.push(...letters);
    this.produced.push(...produced);
    return produced;
  }

  /** Each contract rule records broke, per side and topic, as runStreamJob counts them. */
  ruleViolations(): RuleViolationCount[] {
    return this.guard.violations();
  }

  /** Everything produced so far, optionally only to one topic. */
  outputs(topic?: string): StreamOutput[] {
    return topic === undefined ? [...this.produced] : this.produced.filter((output) => output.topic === topic);
  }

  deadLetters(): TestDeadLetter[] {
    return [...this.dead];
  }

  private toRecord(topic: string, input: TestInput): StreamRecord<unknown> {
    const partition = input.partition ?? 0;
    const at = `${topic}\u0000${partition}`;
    const offset = this.nextOffsets.get(at) ?? 0;
    this.nextOffsets.set(at, offset + 1);
    const codec = this.inputCodecs.get(topic);
    return {
      topic,
      partition,
      offset: String(offset),
      key: input.key ?? null,
      value: codec ? codec.decode(codec.encode(input.value, { topic }), { topic }) : input.value,
      timestamp: input.timestamp ?? this.clock(),
      headers: input.headers ?? {},
    };
  }

  private roundTrip(output: StreamOutput): StreamOutput {
    const codec = this.outputCodecs.get(output.topic);
    if (!codec) throw new UndeclaredOutputTopic('test-driver', output.topic, [...this.outputCodecs.keys()]);
    // An output that does not match its schema throws RecordInvalid here, as the runtime's encode does.
    const context = { topic: output.topic };
    return { ...output, value: codec.decode(codec.encode(output.value, context), context) };
  }
}
