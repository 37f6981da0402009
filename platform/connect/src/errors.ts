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

/**
 * A gateway will not apply a desired state: the record is not signed by an operator certificate of its site
 * CA, or does not say what a desired state must. The gateway keeps running what it runs and reports the reason
 * in its heartbeat; publish a state signed with an operator key (`ca issue --type operator`).
 */
export class DesiredStateRefused extends Error {
  override readonly name = 'DesiredStateRefused';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`desired state refused: ${reason}`, options);
  }
}
