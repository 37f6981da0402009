import type { SourceBatch, SourceReading, SourceReject } from '@fieldmesh/connect';
import { type LoadedContract, validateRecord } from '@fieldmesh/governance';
import { buildDlqHeaders, dlqTopicFor } from '@fieldmesh/kafka';
import type { WriterSchema } from '@fieldmesh/serde';
import { encodeAvroEnvelope, encodeEnvelope } from '../buffer/envelope';
import type { AppendPayload, SegmentLog, SpannedPayload } from '../buffer/segment-log';
import type { BuildContext, RawReadingRecord } from '../enrich/raw-reading.builder';
import { buildRawReading } from '../enrich/raw-reading.builder';
import { redactPersonalText } from '../privacy/redact';
import { ClockSkewGuard } from './clock-skew.guard';
import { batchesOf, toReadingBatch } from './reading-batch.encoder';
import { CONNECTOR_HEADER, READING_ID_HEADER, READING_IDS_SEPARATOR, RECEIVED_TIME_HEADER } from './reading.identity';
import type { FreshReading, RedeliveryFilter } from './redelivery.filter';

/** A reading that broke the contract: its problems become the dead letter's reason. */
export class ReadingInvalid extends Error {
  override readonly name = 'ReadingInvalid';
  constructor(readonly problems: Array<{ path: string; message: string }>) {
    super(`reading breaks the contract: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export interface IngestOutcome {
  /** Readings buffered for the product topic. */
  accepted: number;
  /** Readings a source delivered again that the gateway had buffered recently: dropped, not sent twice. */
  duplicates: number;
  /** Records buffered for the dead-letter topic, by stage. */
  deadLettered: Array<{ stage: string; errorClass: string }>;
}

export interface IngestorDeps {
  log: SegmentLog;
  /** The per-reading contract (plant.telemetry.raw.v1): every reading is checked against it. */
  contract: LoadedContract;
  /** The writer schema of the product published: `contract`'s, or `batches`' when given. */
  writer: WriterSchema;
  /** When given, readings are published as batches to this product (plant.telemetry.raw.v2) instead of one record each to `contract`'s topic. */
  batches?: LoadedContract;
  build: BuildContext;
  /** JSON keys that may hold personal data in source payloads (redacted in dead letters). */
  personalKeys: string[];
  /** Drops readings a source delivers again (seeded with SegmentLog.lastSessionTail at start). */
  redeliveries: RedeliveryFilter;
  clock?: () => number;
}

/**
 * Turns a source batch into buffered Kafka records: each reading is enriched, masked, checked against the
 * contract (its timestamp against the gateway clock and the contract's maximum clock skew, then schema and
 * quality rules) and Avro-encoded for the product topic; a reading that breaks the contract and every message the
 * source rejected go to the dead-letter topic with the reason. A reading the source delivers again (same
 * reading id, recently buffered by the same connector) is dropped and counted. Resolves once all are durable
 * in the buffer.
 *
 * With a batch product, the readings of one device from one message that pass the contract become one
 * record (one Avro encoding, one buffer frame holding their consecutive sequence numbers); each one that
 * breaks it goes alone to the batch product's dead-letter topic, numbered after the batch. Counts stay per reading.
 */
export class Ingestor {
  private readonly topic: string;
  private readonly key: string;
  private readonly dlqTopic: string;
  private readonly clockSkew: ClockSkewGuard;

  constructor(private readonly deps: IngestorDeps) {
    const product = (deps.batches ?? deps.contract).contract.kafka;
    this.topic = product.topic;
    this.key = product.key;
    this.dlqTopic = dlqTopicFor(this.topic);
    this.clockSkew = new ClockSkewGuard(deps.contract);
  }

  async ingest(connector: string, batch: SourceBatch): Promise<IngestOutcome> {
    const now = (this.deps.clock ?? Date.now)();
    const outcome: IngestOutcome = { accepted: 0, duplicates: 0, deadLettered: [] };
    const { fresh, redelivered } = this.deps.redeliveries.screen(connector, batch.readings);
    outcome.duplicates = redelivered;
    await this.deps.log.append((firstSeq) => {
      let seq = firstSeq;
      const payloads: AppendPayload[] = [];
      if (this.deps.batches) seq = this.batchEnvelopes(connector, fresh, seq, now, outcome, payloads);
      else for (const { reading, id } of fresh) payloads.push(this.readingEnvelope(connector, reading, id, seq++, now, outcome));
      for (const reject of batch.rejects) payloads.push(this.rejectEnvelope(connector, reject, seq++, now, outcome));
      return payloads;
    });
    this.deps.redeliveries.remember(
      connector,
      fresh.map(({ id }) => id),
    );
    return outcome;
  }

  /** The reading's raw.v1 record, and the reason it breaks the contract when it does. */
  private checked(reading: SourceReading, seq: number, now: number): { record: RawReadingRecord; error?: Error } {
    const record = buildRawReading(reading, seq, now, this.deps.build);
    const fields = record as unknown as Record<string, unknown>;
    const skewed = this.clockSkew.check(fields, now);
    if (skewed) return { record, error: skewed };
    const problems = validateRecord(this.deps.contract, fields);
    return problems.length > 0 ? { record, error: new ReadingInvalid(problems) } : { record };
  }

  private readingEnvelope(connector: string, reading: SourceReading, id: string, seq: number, now: number, outcome: IngestOutcome): Buffer {
    const { record, error } = this.checked(reading, seq, now);
    const headers = { ...this.provenance(connector, seq, now), [READING_ID_HEADER]: id };
    if (error) return this.rejectedReading(error, record, headers, now, outcome);
    try {
      const envelope = encodeAvroEnvelope({ topic: this.topic, key: record[this.key as keyof typeof record] as string, headers }, this.deps.writer, record);
      outcome.accepted += 1;
      return envelope;
    } catch (encodeError) {
      return this.rejectedReading(encodeError, record, headers, now, outcome);
    }
  }

  /**
   * Appends the batches of `fresh` (see batchesOf) from sequence number `seq`: each batch's valid readings
   * as one record holding consecutive numbers, then each of its invalid ones as a dead letter. Returns the
   * next free number.
   */
  private batchEnvelopes(connector: string, fresh: FreshReading[], seq: number, now: number, outcome: IngestOutcome, payloads: AppendPayload[]): number {
    for (const batch of batchesOf(fresh)) {
      const valid: RawReadingRecord[] = [];
      const ids: string[] = [];
      const invalid: Array<{ record: RawReadingRecord; id: string; error: Error }> = [];
      for (const { reading, id } of batch) {
        // Valid readings take the numbers after the batch's valid ones so far: the batch holds a run without gaps.
        const { record, error } = this.checked(reading, seq + valid.length, now);
        if (error) invalid.push({ record, id, error });
        else {
          valid.push(record);
          ids.push(id);
        }
      }
      if (valid.length > 0) payloads.push(this.batchEnvelope(connector, valid, ids, now, outcome));
      seq += valid.length;
      for (const { record, id, error } of invalid) {
        record.sequenceNumber = seq;
        payloads.push(this.rejectedReading(error, record, { ...this.provenance(connector, seq++, now), [READING_ID_HEADER]: id }, now, outcome));
      }
    }
    return seq;
  }

  private batchEnvelope(connector: string, records: RawReadingRecord[], ids: string[], now: number, outcome: IngestOutcome): SpannedPayload {
    const batch = toReadingBatch(records);
    const headers = { ...this.provenance(connector, batch.firstSequenceNumber, now), [READING_ID_HEADER]: ids.join(READING_IDS_SEPARATOR) };
    try {
      const payload = encodeAvroEnvelope({ topic: this.topic, key: batch[this.key as keyof typeof batch] as string, headers }, this.deps.writer, batch);
      outcome.accepted += records.length;
      return { payload, sequences: records.length };
    } catch (error) {
      // Each reading passed the raw.v1 schema, so only a raw.v2 schema that does not fit it lands here: the whole batch is the evidence.
      const letter = this.deadLetter(error, 'encode', batch.sourceAddress, batch.firstSequenceNumber, Buffer.from(JSON.stringify(batch)), headers, now, outcome);
      for (let i = 1; i < records.length; i++) outcome.deadLettered.push(outcome.deadLettered.at(-1)!);
      return { payload: letter, sequences: records.length };
    }
  }

  /** A reading that broke the contract: the masked record is the evidence, so nothing personal reaches the dead-letter topic in clear. */
  private rejectedReading(error: unknown, record: RawReadingRecord, headers: Record<string, string>, now: number, outcome: IngestOutcome): Buffer {
    return this.deadLetter(error, 'validate', record.sourceAddress, record.sequenceNumber, Buffer.from(JSON.stringify(record)), headers, now, outcome);
  }

  private rejectEnvelope(connector: string, reject: SourceReject, seq: number, now: number, outcome: IngestOutcome): Buffer {
    const error = Object.assign(new Error(reject.reason), { name: reject.errorClass });
    const evidence = redactPersonalText(reject.payload, this.deps.personalKeys, this.deps.build.pseudonymiser);
    return this.deadLetter(error, `source:${connector}`, reject.sourceAddress, seq, evidence, this.provenance(connector, seq, now), now, outcome);
  }

  private deadLetter(
    error: unknown,
    stage: string,
    sourceAddress: string,
    seq: number,
    value: Buffer,
    provenance: Record<string, string>,
    now: number,
    outcome: IngestOutcome,
  ): Buffer {
    // The "original record" of a gateway dead letter is the source message: its address and the gateway sequence.
    const origin = { topic: sourceAddress, partition: -1, offset: String(seq), key: null, value, headers: {}, timestamp: now };
    const headers = { ...provenance, ...buildDlqHeaders(origin, { stage, error }, now) };
    outcome.deadLettered.push({ stage, errorClass: error instanceof Error ? error.name : typeof error });
    return encodeEnvelope({ topic: this.dlqTopic, key: sourceAddress, value, headers });
  }

  private provenance(connector: string, seq: number, now: number): Record<string, string> {
    return { 'fieldmesh.gateway': this.deps.build.gatewayId, 'fieldmesh.sequence': String(seq), [CONNECTOR_HEADER]: connector, [RECEIVED_TIME_HEADER]: String(now) };
  }
}
