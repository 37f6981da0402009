import type { ConsumedRecord } from './ports';

/** Kafka Connect's `__connect.errors.*` DLQ headers, under Fieldmesh's own prefix. */
export const DLQ_HEADER_PREFIX = '__fieldmesh.errors.';

export const DlqHeaders = {
  topic: `${DLQ_HEADER_PREFIX}topic`,
  partition: `${DLQ_HEADER_PREFIX}partition`,
  offset: `${DLQ_HEADER_PREFIX}offset`,
  stage: `${DLQ_HEADER_PREFIX}stage`,
  exceptionClassName: `${DLQ_HEADER_PREFIX}exception.class.name`,
  exceptionMessage: `${DLQ_HEADER_PREFIX}exception.message`,
  exceptionStacktrace: `${DLQ_HEADER_PREFIX}exception.stacktrace`,
  timestamp: `${DLQ_HEADER_PREFIX}timestamp`,
} as const;

/** Headers are kept small: a DLQ record must stay well under the broker's message.max.bytes. */
export const MAX_MESSAGE_CHARS = 2_000;
export const MAX_STACKTRACE_CHARS = 8_000;

/** Where one failed record is dead-lettered. */
export function dlqTopicFor(topic: string): string {
  return `${topic}.dlq`;
}

/** Why a record is dead-lettered: the pipeline stage that failed and what it threw. */
export interface DlqFailure {
  /** e.g. 'deserialize', 'validate', 'transform', 'sink'. */
  stage: string;
  error: unknown;
}

/** The error headers of a dead-lettered record, read back. */
export interface DlqErrorInfo {
  topic: string;
  partition: number;
  offset: string;
  stage: string;
  exceptionClassName: string;
  exceptionMessage: string;
  exceptionStacktrace: string | null;
  /** When the record was dead-lettered, epoch milliseconds. */
  timestamp: number;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [truncated ${text.length - max} chars]`;
}

function describeError(error: unknown): { className: string; message: string; stack: string | null } {
  if (error instanceof Error) {
    // A subclass that does not set `name` still reports its own class.
    const className = error.name !== 'Error' ? error.name : error.constructor.name;
    return { className, message: error.message, stack: error.stack ?? null };
  }
  return { className: typeof error, message: String(error), stack: null };
}

/** The error headers for one failed record (values as strings, as Kafka Connect writes them). */
export function buildDlqHeaders(record: ConsumedRecord, failure: DlqFailure, now: number): Record<string, string> {
  const { className, message, stack } = describeError(failure.error);
  const headers: Record<string, string> = {
    [DlqHeaders.topic]: record.topic,
    [DlqHeaders.partition]: String(record.partition),
    [DlqHeaders.offset]: record.offset,
    [DlqHeaders.stage]: failure.stage,
    [DlqHeaders.exceptionClassName]: className,
    [DlqHeaders.exceptionMessage]: truncate(message, MAX_MESSAGE_CHARS),
    [DlqHeaders.timestamp]: String(now),
  };
  if (stack !== null) headers[DlqHeaders.exceptionStacktrace] = truncate(stack, MAX_STACKTRACE_CHARS);
  return headers;
}

/** Reads the error headers of a DLQ record; undefined when the record carries none (not a dead letter). */
export function readDlqHeaders(headers: Record<string, Buffer | string>): DlqErrorInfo | undefined {
  const text = (name: string): string | undefined => headers[name]?.toString();
  const topic = text(DlqHeaders.topic);
  const partition = text(DlqHeaders.partition);
  const offset = text(DlqHeaders.offset);
  if (topic === undefined || partition === undefined || offset === undefined) return undefined;
  return {
    topic,
    partition: Number(partition),
    offset,
    stage: text(DlqHeaders.stage) ?? '',
    exceptionClassName: text(DlqHeaders.exceptionClassName) ?? '',
    exceptionMessage: text(DlqHeaders.exceptionMessage) ?? '',
    exceptionStacktrace: text(DlqHeaders.exceptionStacktrace) ?? null,
    timestamp: Number(text(DlqHeaders.timestamp) ?? Number.NaN),
  };
}
