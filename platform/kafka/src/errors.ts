import { formatProblems, type Problem } from '@fieldmesh/config';

/** The Kafka client, producer or consumer options failed validation; `problems` names each field. */
export class KafkaConfigInvalid extends Error {
  override readonly name = 'KafkaConfigInvalid';
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(`${source} is invalid:\n${formatProblems(problems)}\nFix the fields above and create the client again.`);
  }
}

/** The broker refused to create a topic (other than because it already exists). */
export class TopicCreationFailed extends Error {
  override readonly name = 'TopicCreationFailed';
  constructor(
    readonly topic: string,
    readonly brokers: string[],
    options: { cause: unknown },
  ) {
    super(
      `Topic ${topic} could not be created on ${brokers.join(',')}: ${messageOf(options.cause)}. ` +
        'Check the partition count, replication factor (at most the number of brokers) and the topic configs named in the cause.',
      options,
    );
  }
}

/** A topic that an admin operation needs does not exist. */
export class TopicNotFound extends Error {
  override readonly name = 'TopicNotFound';
  constructor(
    readonly topic: string,
    readonly operation: string,
  ) {
    super(`${operation} failed because topic ${topic} does not exist. Create it first (KafkaAdminPort.createTopics).`);
  }
}

/** A topic was not read to the end offsets it had when the read began, within the time allowed. */
export class TopicEndNotReached extends Error {
  override readonly name = 'TopicEndNotReached';
  constructor(
    readonly topic: string,
    readonly partitions: number[],
    readonly timeoutMs: number,
  ) {
    super(`The end of partitions ${partitions.join(', ')} of ${topic} was not reached within ${timeoutMs} ms. Check that the broker is healthy, or allow a longer timeoutMs.`);
  }
}

/** An admin request other than topic creation failed. */
export class KafkaAdminFailed extends Error {
  override readonly name = 'KafkaAdminFailed';
  constructor(
    readonly operation: string,
    readonly target: string,
    options: { cause: unknown },
  ) {
    super(`${operation} on ${target} failed: ${messageOf(options.cause)}. Check that the broker is reachable and the request is valid.`, options);
  }
}

/** The cluster did not acknowledge a send; none of its records may be assumed written. */
export class KafkaProduceFailed extends Error {
  override readonly name = 'KafkaProduceFailed';
  constructor(
    readonly topics: string[],
    readonly recordCount: number,
    options: { cause: unknown },
  ) {
    super(
      `Sending ${recordCount} record(s) to ${topics.join(', ')} failed: ${messageOf(options.cause)}. ` +
        'The records were not acknowledged; send them again (the idempotent producer keeps retries free of duplicates within one session).',
      options,
    );
  }
}

/** A send was still being retried when its delivery timeout (Kafka's delivery.timeout.ms) ran out. */
export class DeliveryTimeoutExpired extends Error {
  override readonly name = 'DeliveryTimeoutExpired';
  constructor(readonly deliveryTimeoutMs: number) {
    super(
      `The cluster did not acknowledge the send within the delivery timeout (${deliveryTimeoutMs} ms): partitions without a leader or below min.insync.replicas for that long. ` +
        'Check that a majority of brokers run; raise the producer option deliveryTimeoutMs to wait longer.',
    );
  }
}

/** A port method was called before connect() or after disconnect(). */
export class KafkaNotConnected extends Error {
  override readonly name = 'KafkaNotConnected';
  constructor(readonly role: 'producer' | 'consumer' | 'admin') {
    super(`The Kafka ${role} is not connected. Call connect() before using it.`);
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
