/**
 * The source lost (or never had) its connection. Thrown by connect() and read(); the runtime answers it
 * by reconnecting with backoff, the way Benthos treats ErrNotConnected.
 */
export class NotConnected extends Error {
  override readonly name = 'NotConnected';
  constructor(
    readonly connector: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(`${connector} is not connected to ${endpoint}; the gateway will reconnect with backoff.`, options);
  }
}
