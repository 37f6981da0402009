/**
 * What a domain handler sees and returns. Values are decoded Avro (`long` → bigint, `timestamp-millis` →
 * Date); keys are the plain strings Fieldmesh keys by (asset or device ids); offsets are decimal strings.
 */
export interface StreamRecord<T> {
  topic: string;
  partition: number;
  /** 64-bit offset as a decimal string. */
  offset: string;
  key: string | null;
  /** Null only for a tombstone (a record without a value). */
  value: T;
  /** Record timestamp in epoch milliseconds (Kafka's, not the event time inside the value). */
  timestamp: number;
  headers: Record<string, string>;
}

/** A record for one of the job's declared output topics; the runtime encodes `value` with that topic's schema. */
export interface StreamOutput {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
  /** Record timestamp in epoch milliseconds; the broker's time when absent. */
  timestamp?: number;
}
