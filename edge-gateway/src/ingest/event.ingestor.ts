import type { PlantEventRecord, SourceEvent } from '@fieldmesh/connect';
import { type LoadedContract, validateRecord } from '@fieldmesh/governance';
import { buildDlqHeaders, dlqTopicFor } from '@fieldmesh/kafka';
import type { AvroSerde, WriterSchema } from '@fieldmesh/serde';
import { encodeEnvelope } from '../buffer/envelope';
import type { SegmentLog } from '../buffer/segment-log';
import { ClockSkewGuard } from './clock-skew.guard';
import { ReadingInvalid } from './ingestor';
import { CONNECTOR_HEADER } from './reading.identity';

export interface EventIngestorDeps {
  log: SegmentLog;
  /** The events product's contract (contracts/plant-telemetry/events.yaml). */
  contract: LoadedContract;
  serde: AvroSerde;
  writer: WriterSchema;
  gatewayId: string;
  clock?: () => number;
}

export function buildPlantEvent(event: SourceEvent, connector: string, gatewayId: string, sequenceNumber: number, receivedTime: number): PlantEventRecord {
  return {
    eventTime: event.eventTime,
    receivedTime,
    gatewayId,
    sequenceNumber,
    connector,
    deviceId: event.deviceId,
    eventId: event.eventId,
    eventType: event.eventType,
    sourceNode: event.sourceNode,
    sourceName: event.sourceName,
    assetPath: event.assetPath ?? null,
    signal: event.signal ?? null,
    severity: event.severity,
    message: event.message,
    conditionId: event.conditionId ?? null,
    conditionName: event.conditionName ?? null,
    active: event.active ?? null,
    acked: event.acked ?? null,
    comment: event.comment ?? null,
    sourceProtocol: event.sourceProtocol,
    attributes: event.attributes,
  };
}

/**
 * The events product's half of ingestion: each source event is checked against the events contract
 * (clock skew, schema, quality rules), Avro-encoded and appended to the same disk buffer as the readings
 * (sequence numbers shared), so events get the buffer's durability and the forwarder's order and retries;
 * one that breaks the contract goes to the events dead-letter topic with the reason.
 */
export class EventIngestor {
  private readonly topic: string;
  private readonly clockSkew: ClockSkewGuard;

  constructor(private readonly deps: EventIngestorDeps) {
    this.topic = deps.contract.contract.kafka.topic;
    this.clockSkew = new ClockSkewGuard(deps.contract);
  }

  /** Resolves once every event is durable in the buffer, with how many went to the product and how many to the DLQ. */
  async ingest(connector: string, events: readonly SourceEvent[]): Promise<{ accepted: number; deadLettered: string[] }> {
    const outcome = { accepted: 0, deadLettered: [] as string[] };
    if (events.length === 0) return outcome;
    const now = (this.deps.clock ?? Date.now)();
    await this.deps.log.append((firstSeq) => events.map((event, i) => this.envelope(connector, event, firstSeq + i, now, outcome)));
    return outcome;
  }

  private envelope(connector: string, event: SourceEvent, seq: number, now: number, outcome: { accepted: number; deadLettered: string[] }): Buffer {
    const record = buildPlantEvent(event, connector, this.deps.gatewayId, seq, now);
    const headers = { 'fieldmesh.gateway': this.deps.gatewayId, 'fieldmesh.sequence': String(seq), [CONNECTOR_HEADER]: connector, 'fieldmesh.received-time': String(now) };
    const fields = record as unknown as Record<string, unknown>;
    try {
      const problem = this.clockSkew.check(fields, now) ?? problemsError(validateRecord(this.deps.contract, fields));
      if (problem) throw problem;
      outcome.accepted += 1;
      return encodeEnvelope({ topic: this.topic, key: record.sourceNode, value: this.deps.serde.encode(this.deps.writer, record), headers });
    } catch (error) {
      outcome.deadLettered.push(error instanceof Error ? error.name : typeof error);
      const value = Buffer.from(JSON.stringify(record));
      const origin = { topic: event.sourceNode, partition: -1, offset: String(seq), key: null, value, headers: {}, timestamp: now };
      return encodeEnvelope({
        topic: dlqTopicFor(this.topic),
        key: event.sourceNode,
        value,
        headers: { ...headers, ...buildDlqHeaders(origin, { stage: 'validate', error }, now) },
      });
    }
  }
}

function problemsError(problems: Array<{ path: string; message: string }>): ReadingInvalid | undefined {
  return problems.length > 0 ? new ReadingInvalid(problems) : undefined;
}
