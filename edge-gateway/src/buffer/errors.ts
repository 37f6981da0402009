/** A record is bigger than the whole buffer may hold: it can never be stored. */
export class RecordTooLarge extends Error {
  override readonly name = 'RecordTooLarge';
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`A buffered record of ${bytes} bytes exceeds the buffer's maxBytes (${maxBytes}); raise buffer.maxBytes or lower the source's max payload size.`);
  }
}

/** The buffer was closed while an append waited for space. */
export class BufferClosed extends Error {
  override readonly name = 'BufferClosed';
  constructor() {
    super('The disk buffer is closed; the gateway is shutting down.');
  }
}

/**
 * The disk refused an append (full disk, short write, failed fsync). The bytes were cut back off the
 * segment, the records are not stored and the append is rejected, so the source is not acknowledged and
 * sends them again; the buffer keeps serving later appends.
 */
export class BufferWriteFailed extends Error {
  override readonly name = 'BufferWriteFailed';
  constructor(
    readonly path: string,
    readonly records: number,
    readonly bytes: number,
    options: { cause: unknown },
  ) {
    super(
      `Buffering ${records} record(s) (${bytes} bytes) in ${path} failed: ${messageOf(options.cause)}. ` +
        'The records were not stored and their source was not acknowledged; free disk space under the gateway state directory or lower buffer.maxBytes below the free space.',
      options,
    );
  }
}

/** The forwarded position could not be saved; it is kept in memory and written again on the next commit. */
export class CheckpointWriteFailed extends Error {
  override readonly name = 'CheckpointWriteFailed';
  constructor(
    readonly path: string,
    readonly committedSeq: number,
    options: { cause: unknown },
  ) {
    super(
      `Saving the forwarded position ${committedSeq} to ${path} failed: ${messageOf(options.cause)}. ` +
        'Forwarding goes on and the next commit writes it again; until then a restart resends records Kafka already has (same gateway sequence). Free disk space under the gateway state directory.',
      options,
    );
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
