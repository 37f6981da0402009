import { NotConnected, type ConnectorContext, type Source, type SourceBatch, type SourceReading, type SourceReject } from '@fieldmesh/connect';
import { CseClient } from './client';
import type { ContainerMapping, Onem2mSourceConfig } from './config';
import { type ContentInstance, mapContentInstance, onem2mTimeBefore } from './content.mapping';
import { NotificationServer } from './notification.server';
import { WatermarkStore } from './watermark.store';

export interface Onem2mSourceMetrics {
  notificationsIn: number;
  verificationRequests: number;
  /** Notifications for a container no mapping names (a stale subscription of an older config). */
  unknownContainerNotifications: number;
  /** Notifications without a contentInstance representation (another event type or content type). */
  notificationsWithoutContent: number;
  /** Latest contentInstances (`la`) read at a first connect, to show what a missed notification window left. */
  latestRead: number;
  /** contentInstances created after the acked watermark, retrieved at connect (missed while the gateway was away). */
  backfilled: number;
  readingsOut: number;
  rejectsByErrorClass: Record<string, number>;
  droppedOverflow: number;
  subscriptionsMade: number;
  connectionsLost: number;
}

interface Received {
  mapping: ContainerMapping;
  cin: ContentInstance;
  receivedTime: number;
  historical: boolean;
}

interface Session {
  server: NotificationServer;
  liveness: NodeJS.Timeout;
  lost?: Error;
}

/**
 * oneM2M source over the HTTP binding. At each connect it registers the gateway's AE, replaces its
 * <subscription> on every mapped container (notificationURI: its own notification server, all attributes
 * of each created contentInstance), then retrieves what each container got after the acked watermark (kept
 * in the state folder; the latest contentInstance only at a first start). Notifications are answered at
 * once (the CSE does not redeliver them); what arrived is held in memory until the runtime acks the batch,
 * a nacked batch is handed out again, and after a crash the watermark brings back what was not acked. A periodic retrieve of the subscriptions
 * notices a CSE that went away or lost them, and `read` then throws NotConnected.
 */
export class Onem2mSource implements Source {
  private session: Session | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly queue: Received[] = [];
  private readonly client: CseClient;
  private readonly mappings: Map<string, ContainerMapping>;
  private readonly subscriptionName: string;
  private readonly watermarks: WatermarkStore;
  private readonly counters: Onem2mSourceMetrics = {
    notificationsIn: 0,
    verificationRequests: 0,
    unknownContainerNotifications: 0,
    notificationsWithoutContent: 0,
    latestRead: 0,
    backfilled: 0,
    readingsOut: 0,
    rejectsByErrorClass: {},
    droppedOverflow: 0,
    subscriptionsMade: 0,
    connectionsLost: 0,
  };

  constructor(
    private readonly config: Onem2mSourceConfig,
    private readonly context: ConnectorContext,
  ) {
    this.client = new CseClient(config);
    this.watermarks = new WatermarkStore(context.stateDir);
    this.mappings = new Map(config.mappings.map((mapping) => [mapping.container, mapping]));
    this.subscriptionName = `fieldmesh-${context.instanceName}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  }

  metrics(): Onem2mSourceMetrics {
    return { ...this.counters, rejectsByErrorClass: { ...this.counters.rejectsByErrorClass } };
  }

  async connect(): Promise<void> {
    if (this.session && !this.session.lost) return;
    await this.dropSession();
    this.closed = false;
    const server = await NotificationServer.listen(this.config.notificationHost, this.config.notificationPort, (container) => this.mappings.has(container), {
      contentInstance: (container, cin) => {
        this.counters.notificationsIn++;
        this.enqueue({ mapping: this.mappings.get(container) as ContainerMapping, cin, receivedTime: Date.now(), historical: false });
      },
      verification: () => void this.counters.verificationRequests++,
      unusable: (_container, why) => {
        if (why === 'unknownContainer') this.counters.unknownContainerNotifications++;
        else this.counters.notificationsWithoutContent++;
      },
    });
    const session: Session = { server, liveness: setInterval(() => void this.checkLiveness(session), this.config.livenessIntervalMs) };
    session.liveness.unref();
    this.session = session;
    try {
      await this.client.registerAe();
      for (const mapping of this.config.mappings) {
        await this.client.subscribe(mapping.container, this.subscriptionName, server.notificationUri(mapping.container));
        this.counters.subscriptionsMade++;
      }
      // After subscribing, so that nothing falls between the backfill and the first notification; a
      // contentInstance created in between arrives twice and the gateway's reading identity drops the copy.
      for (const mapping of this.config.mappings) await this.backfill(mapping);
    } catch (error) {
      await this.dropSession();
      throw new NotConnected(this.context.instanceName, this.config.cseUrl, { cause: error });
    }
  }

  async read(signal: AbortSignal): Promise<SourceBatch> {
    const session = this.liveSession();
    while (this.queue.length === 0 && !session.lost && !this.closed) await this.nextEvent(signal);
    this.liveSession();
    const taken = this.queue.splice(0, this.config.maxBatchSize);
    const readings: SourceReading[] = [];
    const rejects: SourceReject[] = [];
    for (const { mapping, cin, receivedTime, historical } of taken) {
      const mapped = mapContentInstance(cin, mapping, { cseBaseName: this.config.cseBaseName, receivedTime, historical });
      if ('reading' in mapped) readings.push(mapped.reading);
      else rejects.push(mapped.reject);
    }
    let settled = false;
    return {
      readings,
      rejects,
      ack: async () => {
        if (settled) return;
        settled = true;
        this.counters.readingsOut += readings.length;
        // Acked after the session was lost: kept as unacknowledged, so the next source delivers them again
        // (at least once), as a peer would redeliver what an acknowledgement never reached.
        if (!session.lost) this.watermarks.advance(taken.map(({ mapping, cin }) => ({ container: mapping.container, ct: cin.ct })));
        for (const reject of rejects) this.counters.rejectsByErrorClass[reject.errorClass] = (this.counters.rejectsByErrorClass[reject.errorClass] ?? 0) + 1;
      },
      nack: async () => {
        if (settled) return;
        settled = true;
        // The CSE has had its answer: the connector is the only one holding these, so they go back in front.
        this.queue.unshift(...taken);
        this.wake?.();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.dropSession();
  }

  /**
   * What the CSE created after the acked watermark. At a first start (no watermark) the floor is set just
   * before the container's latest (or its creation when it has none), so that a missed notification window shows without replaying the
   * container's whole history, and a source that fails before acking it still starts from there.
   */
  private async backfill(mapping: ContainerMapping): Promise<void> {
    if (this.watermarks.get(mapping.container) === undefined) {
      const latest = await this.client.latest(mapping.container);
      const floor = latest?.ct ?? (await this.client.creationTime(mapping.container));
      this.watermarks.advance([{ container: mapping.container, ct: onem2mTimeBefore(floor) }]);
      if (latest) this.counters.latestRead++;
    }
    const watermark = this.watermarks.get(mapping.container);
    if (watermark === undefined) throw new Error(`the creationTime of ${mapping.container} or its latest contentInstance is not a oneM2M time`);
    const missed = await this.client.createdAfter(mapping.container, watermark);
    this.counters.backfilled += missed.length;
    for (const cin of missed) this.enqueue({ mapping, cin, receivedTime: Date.now(), historical: true });
  }

  private enqueue(received: Received): void {
    this.queue.push(received);
    if (this.queue.length > this.config.maxBufferedNotifications) {
      this.queue.shift();
      this.counters.droppedOverflow++;
    }
    this.wake?.();
  }

  private async checkLiveness(session: Session): Promise<void> {
    if (session.lost) return;
    let lost: Error | undefined;
    try {
      for (const mapping of this.config.mappings) {
        if (!(await this.client.subscriptionExists(mapping.container, this.subscriptionName))) {
          lost = new Error(`the subscription on ${mapping.container} is gone (the CSE restarted without its data or it expired); resubscribing`);
          break;
        }
      }
    } catch (error) {
      lost = new Error(`the CSE at ${this.config.cseUrl} does not answer`, { cause: error });
    }
    if (!lost || session.lost) return;
    session.lost = lost;
    this.counters.connectionsLost++;
    this.wake?.();
  }

  private async dropSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.lost ??= new Error('source closed');
    clearInterval(session.liveness);
    await session.server.close();
  }

  private liveSession(): Session {
    const session = this.session;
    if (!session || session.lost || this.closed) {
      throw new NotConnected(this.context.instanceName, this.config.cseUrl, session?.lost ? { cause: session.lost } : undefined);
    }
    return session;
  }

  /** Resolves at the next notification, loss or close; throws when aborted. */
  private async nextEvent(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
    signal.throwIfAborted();
  }
}
