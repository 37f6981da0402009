/** One QoS 1 message waiting for its PUBACK. */
export interface PendingAck {
  readonly messageId: number;
  acked: boolean;
}

/**
 * MQTT wants PUBACKs in the order the messages arrived (MQTT 3.1.1 §4.6, MQTT 5 §4.6). Batches may be
 * acknowledged out of order, so an acknowledged message waits until every earlier one is acknowledged.
 */
export class PubackSequencer {
  private readonly pending: PendingAck[] = [];

  received(messageId: number): PendingAck {
    const entry = { messageId, acked: false };
    this.pending.push(entry);
    return entry;
  }

  /** Marks the entries acknowledged and returns the message ids whose PUBACK may go out now, in order. */
  acknowledge(entries: readonly PendingAck[]): number[] {
    for (const entry of entries) entry.acked = true;
    let releasable = 0;
    while (releasable < this.pending.length && this.pending[releasable]!.acked) releasable++;
    return this.pending.splice(0, releasable).map((entry) => entry.messageId);
  }

  get size(): number {
    return this.pending.length;
  }
}
