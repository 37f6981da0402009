import type { GatewayHeartbeat, GatewayReply } from '@fieldmesh/connect';

export interface HeartbeatOptions {
  gatewayId: string;
  intervalSeconds: number;
  /** The gateway's state at the moment of the beat. */
  state: () => Pick<GatewayHeartbeat, 'state' | 'uplink' | 'connectors' | 'buffer'>;
  replies: { send(reply: GatewayReply): Promise<void> };
  say: (line: string) => void;
  clock?: () => number;
}

/**
 * Sends the gateway's state to the replies topic every `intervalSeconds`, so the console's fleet page shows
 * each gateway's last heartbeat, state and buffer. A beat is skipped while the previous one is still being
 * sent (Kafka unreachable): the fleet page then shows the gateway silent, which is what it is. A failure is
 * logged once per reason.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private lastFailure: string | undefined;
  private readonly startedAt: string;

  constructor(private readonly options: HeartbeatOptions) {
    this.startedAt = new Date(this.now()).toISOString();
  }

  start(): void {
    void this.beat();
    this.timer ??= setInterval(() => void this.beat(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Sends one heartbeat now, unless one is on its way. */
  beat(): Promise<void> {
    this.sending ??= this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sending;
  }

  private async send(): Promise<void> {
    const { gatewayId, intervalSeconds } = this.options;
    try {
      await this.options.replies.send({
        kind: 'heartbeat',
        gatewayId,
        sentAt: new Date(this.now()).toISOString(),
        intervalSeconds,
        startedAt: this.startedAt,
        ...this.options.state(),
      });
      if (this.lastFailure) this.options.say('heartbeats reach Kafka again');
      this.lastFailure = undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (reason !== this.lastFailure) this.options.say(`heartbeat not sent (${reason}); the console shows this gateway silent until one is`);
      this.lastFailure = reason;
    }
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
