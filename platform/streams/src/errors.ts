import { formatProblems, type Problem } from '@fieldmesh/config';
import type { StreamRecord } from './stream.types';

/**
 * One input record could not be processed. Return it among a handler's outputs (or throw it) and the
 * runtime dead-letters that record with stage 'process' while the rest of the batch goes on.
 */
export class RecordFailed extends Error {
  override readonly name = 'RecordFailed';
  constructor(
    readonly record: StreamRecord<unknown>,
    cause: unknown,
  ) {
    super(
      `Record ${record.topic}/${record.partition}@${record.offset} failed in processing: ${messageOf(cause)}. ` +
        `It is on ${record.topic}.dlq with the error in its headers; fix the handler or the data and replay it from there.`,
      { cause },
    );
  }
}

/** runStreamJob or the transport got options that do not validate; `problems` names each field. */
export class StreamJobConfigInvalid extends Error {
  override readonly name = 'StreamJobConfigInvalid';
  constructor(
    readonly job: string,
    readonly problems: Problem[],
  ) {
    super(`Stream job ${job} options are invalid:\n${formatProblems(problems)}\nFix the fields above and start the job again.`);
  }
}

/** A handler returned a record for a topic the job did not declare, so there is no schema to encode it with. */
export class UndeclaredOutputTopic extends Error {
  override readonly name = 'UndeclaredOutputTopic';
  constructor(
    readonly job: string,
    readonly topic: string,
    readonly declared: string[],
  ) {
    super(
      `Stream job ${job} produced a record for ${topic}, which is not among its outputs (${declared.join(', ') || 'none'}). ` +
        "Declare the topic and its Avro schema in the job's outputs.",
    );
  }
}

/** Two event handlers of a Nest app claim the same topic; each input topic has exactly one handler. */
export class DuplicateTopicHandler extends Error {
  override readonly name = 'DuplicateTopicHandler';
  constructor(readonly topic: string) {
    super(`Two @EventPattern handlers are registered for topic ${topic}. Keep one handler per input topic and branch inside it.`);
  }
}

/** The Nest app registered no @EventPattern handler, so the transport has no topic to consume. */
export class NoTopicHandlers extends Error {
  override readonly name = 'NoTopicHandlers';
  constructor(readonly job: string) {
    super(`Stream job ${job} has no @EventPattern('<topic>') handlers. Add a controller with one handler per input topic to the microservice's module.`);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The checkpoint of a windowed job could not be read at start, so its open windows cannot be rebuilt safely. */
export class CheckpointUnreadable extends Error {
  override readonly name = 'CheckpointUnreadable';
  constructor(
    readonly topic: string,
    readonly reason: string,
    options?: { cause: unknown },
  ) {
    super(
      `The stream job checkpoint on ${topic} could not be read: ${reason}. ` +
        'Check that the broker is reachable and the topic holds only checkpoints; the job did not start so that no window is emitted twice or half.',
      options,
    );
  }
}

/**
 * A record's event time is further ahead of the job's clock than the input contract's maximum clock skew:
 * its source clock is wrong. The windows quarantine it (to the DLQ) instead of letting it move time.
 */
export class EventTimeBeyondClockSkew extends Error {
  override readonly name = 'EventTimeBeyondClockSkew';
  constructor(
    readonly state: string,
    readonly eventTimeMs: number,
    readonly clockMs: number,
    readonly maxClockSkewMs: number,
  ) {
    super(
      `event time ${isoOrRaw(eventTimeMs)} is ${eventTimeMs - clockMs} ms ahead of the job clock (${isoOrRaw(clockMs)}), beyond the maximum clock skew of ` +
        `${maxClockSkewMs} ms (timeliness.maxClockSkew of the input's contract), so ${state} quarantined it and moved no watermark. ` +
        "Fix the source's clock, then replay the record from the DLQ",
    );
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
