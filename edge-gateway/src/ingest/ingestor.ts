import type { SourceBatch, SourceReading, SourceReject } from '@fieldmesh/connect';
import { type LoadedContract, validateRecord } from '@fieldmesh/governance';
import { buildDlqHeaders, dlqTopicFor } from '@fieldmesh/kafka';
import type { WriterSchema } from '@fieldmesh/serde';
import { encodeAvroEnvelope, encodeEnvelope } from '../buffer/envelope';
import type { SegmentLog } from '../buffer/segment-log';
import type { BuildContext } from '../enrich/raw-reading.builder';
import { buildRawReading } from '../enrich/raw-reading.builder';
import { redactPersonalText } from '../privacy/redact';
import { ClockSkewGuard } from './clock-skew.guard';
import { CONNECTOR_HEADER, READING_ID_HEADER, RECEIVED_TIME_HEADER } from './reading.identity';
import type { RedeliveryFilter } from './redelivery.filter';

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
  contract: LoadedContract;
  writer: WriterSchema;
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
 */
export class Ingestor {
  private readonly topic: string;
  private readonly dlqTopic: string;
  private readonly clockSkew: ClockSkewGuard;

  constructor(private readonly deps: IngestorDeps) {
    this.topic = deps.contract.contract.kafka.topic;
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
      const payloads: Buffer[] = [];
      for (const { reading, id } of fresh) payloads.push(this.readingEnvelope(connector, reading, id, seq++, now, outcome));
      for (const reject of batch.rejects) payloads.push(this.rejectEnvelope(connector, reject, seq++, now, outcome));
      return payloads;
    });
    this.deps.redeliveries.remember(
      connector,
      fresh.map(({ id }) => id),
    );
    return outcome;
  }

  private readingEnvelope(connector: string, reading: SourceReading, id: string, seq: number, now: number, outcome: IngestOutcome): Buffer {
    const record = buildRawReading(reading, seq, now, this.deps.build);
    const headers = { ...this.provenance(connector, seq, now), [READING_ID_HEADER]: id };
    try {
      const skewed = this.clockSkew.check(record as unknown as Record<string, unknown>, now);
      if (skewed) throw skewed;
      const problems = validateRecord(this.deps.contract, record as unknown as Record<string, unknown>);
      if (problems.length > 0) throw new ReadingInvalid(problems);
      const envelope = encodeAvroEnvelope(
        { topic: this.topic, key: record[this.deps.contract.contract.kafka.key as keyof typeof record] as string, headers },
        this.deps.writer,
        record,
      );
      outcome.accepted += 1;
      return envelope;
    } catch (error) {
      // The masked record is the evidence: nothing personal reaches the dead-letter topic in clear.
      const evidence = Buffer.from(JSON.stringify(record));
      return this.deadLetter(error, 'validate', reading.sourceAddress, seq, evidence, headers, now, outcome);
    }
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
