import { AvroCodec, createAvroType, decodeLimitsSchema } from '@fieldmesh/serde';
import { processBatch } from './batch.processor';
import { UndeclaredOutputTopic } from './errors';
import type { StreamHandler, StreamOutput, StreamRecord } from './stream.types';

/** A record to pipe into a TestDriver; partition 0 and the next offset of that partition unless given. */
export interface TestInput {
  key?: string | null;
  value: unknown;
  /** Kafka timestamp, epoch ms. Default: the driver's clock. */
  timestamp?: number;
  partition?: number;
  headers?: Record<string, string>;
}

/** What the driver dead-lettered: the record, the stage ('process') and the error. */
export interface TestDeadLetter {
  record: StreamRecord<unknown>;
  stage: 'process';
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
}

/**
 * Runs a stream handler in memory the way runStreamJob does (batches, RecordFailed, record-by-record
 * rerun of a throwing handler, output schemas), without Kafka or a registry: Kafka Streams'
 * TopologyTestDriver for Fieldmesh. Each pipe() is one batch.
 */
export class TestDriver {
  private readonly outputCodecs = new Map<string, AvroCodec>();
  private readonly inputCodecs = new Map<string, AvroCodec>();
  private readonly nextOffsets = new Map<string, number>();
  private readonly produced: StreamOutput[] = [];
  private readonly dead: TestDeadLetter[] = [];
  private readonly clock: () => number;

  constructor(private readonly options: TestDriverOptions) {
    const limits = decodeLimitsSchema.parse({});
    for (const [topic, schema] of Object.entries(options.outputs)) this.outputCodecs.set(topic, new AvroCodec(createAvroType(schema), limits));
    for (const [topic, schema] of Object.entries(options.inputs ?? {})) this.inputCodecs.set(topic, new AvroCodec(createAvroType(schema), limits));
    this.clock = options.clock ?? Date.now;
  }

  /** Hands `inputs` to the handler as one batch; resolves with this batch's outputs (decoded). */
  async pipe(topic: string, inputs: TestInput[]): Promise<StreamOutput[]> {
    const records = inputs.map((input) => this.toRecord(topic, input));
    const { encoded, failed } = await processBatch(this.options.handler, records, (output) => this.roundTrip(output));
    for (const failure of failed) this.dead.push({ record: failure.record, stage: 'process', error: failure.cause ?? failure });
    this.produced.push(...encoded);
    return encoded;
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
