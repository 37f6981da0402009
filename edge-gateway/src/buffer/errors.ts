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
