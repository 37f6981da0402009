/** Kafka refused a buffered record for good; the record went to the dead-letter topic and forwarding went on. */
export class RecordRefusedByKafka extends Error {
  override readonly name = 'RecordRefusedByKafka';
  constructor(
    readonly topic: string,
    readonly seq: number,
    /** The Kafka error name, e.g. MESSAGE_TOO_LARGE. */
    readonly code: string,
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(
      `Kafka refused gateway record ${seq} for ${topic} for good (${code}: ${reason}). It was dead-lettered and forwarding went on; ` +
        "fix the record's source or the topic's config (e.g. max.message.bytes), then replay it from the dead-letter topic.",
      options,
    );
  }
}

/** Not even a bounded dead letter of a refused record was accepted: forwarding waits and tries again. */
export class DeadLetterRefused extends Error {
  override readonly name = 'DeadLetterRefused';
  constructor(
    readonly topic: string,
    readonly seq: number,
    options: { cause: unknown },
  ) {
    super(
      `Gateway record ${seq} was refused by Kafka for good, and so was its dead letter on ${topic}: forwarding stops here and retries with backoff. ` +
        'Check that the gateway may write to the dead-letter topic and that it exists.',
      options,
    );
  }
}

/** A send has waited on Kafka longer than the forwarder's stall limit: the uplink counts as down while it goes on. */
export class UplinkStalled extends Error {
  override readonly name = 'UplinkStalled';
  constructor(readonly waitedMs: number) {
    super(
      `a send to Kafka has waited ${waitedMs / 1000} s without an answer (no leader, or the brokers unreachable); ` +
        "it goes on retrying until the producer's delivery timeout, and the sources write to the disk buffer meanwhile",
    );
  }
}
