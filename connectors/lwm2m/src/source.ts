import { EventEmitter, once } from 'node:events';
import { NotConnected, type ConnectorContext, type Source, type SourceBatch, type SourceReading, type SourceReject } from '@fieldmesh/connect';
import type { Lwm2mSourceConfig } from './config';
import { type Notification, Lwm2mServer } from './lwm2m.server';
import { mapNotification } from './notification.mapping';
import type { RegistrationEnd } from './registration.store';

export interface Lwm2mSourceMetrics {
  registrations: number;
  /** Registrations of an endpoint that already had one (a device that restarted without de-registering). */
  reregistrations: number;
  registrationEnds: Record<RegistrationEnd, number>;
  registered: number;
  updates: number;
  /** Registrations, updates and de-registrations answered with an error, by CoAP code (4.03: endpoint not listed). */
  refusedByCode: Record<string, number>;
  observeFailures: number;
  notificationsIn: number;
  readingsOut: number;
  rejectsByErrorClass: Record<string, number>;
  droppedOverflow: number;
}

export interface ConnectorLog {
  warn(message: string, fields: Record<string, unknown>): void;
}

const stderrLog: ConnectorLog = {
  warn: (message, fields) => console.warn(`[connector-lwm2m] ${message}`, fields),
};

interface Session {
  server: Lwm2mServer;
  lost?: Error;
}

/**
 * LwM2M server as a source: devices register on /rd, and at each registration the server observes the
 * configured resources and turns every notification into a reading. A device that restarts registers
 * again and is observed again; one whose lifetime passes without an update is dropped. Notifications
 * have no acknowledgement the device could act on later, so what arrived is held in memory until the
 * runtime acks the batch (a nacked batch is handed out again); what a device measured while it was not
 * registered is not read.
 */
export class Lwm2mSource implements Source {
  private session: Session | undefined;
  private closed = false;
  private warnedInsecure = false;
  /** Emits 'wake' at each notification, loss or close; read() waits on it. */
  private readonly wakeups = new EventEmitter();
  private readonly queue: Notification[] = [];
  private readonly counters: Lwm2mSourceMetrics = {
    registrations: 0,
    reregistrations: 0,
    registrationEnds: { deregistered: 0, expired: 0, replaced: 0 },
    registered: 0,
    updates: 0,
    refusedByCode: {},
    observeFailures: 0,
    notificationsIn: 0,
    readingsOut: 0,
    rejectsByErrorClass: {},
    droppedOverflow: 0,
  };

  constructor(
    private readonly config: Lwm2mSourceConfig,
    private readonly context: ConnectorContext,
    private readonly log: ConnectorLog = stderrLog,
  ) {}

  metrics(): Lwm2mSourceMetrics {
    return {
      ...this.counters,
      registered: this.session?.server.registrations().length ?? 0,
      registrationEnds: { ...this.counters.registrationEnds },
      refusedByCode: { ...this.counters.refusedByCode },
      rejectsByErrorClass: { ...this.counters.rejectsByErrorClass },
    };
  }

  /** The port the server listens on (listenPort, or the one picked for 0), while connected. */
  get port(): number | undefined {
    return this.session?.server.port;
  }

  async connect(): Promise<void> {
    if (this.session && !this.session.lost) return;
    await this.dropSession();
    this.closed = false;
    if (!this.warnedInsecure) {
      this.warnedInsecure = true;
      this.log.warn(
        'security noSec: devices register and send readings over plain CoAP, unencrypted, and are told apart only by the endpoint name they claim, so anyone on the network can read or forge them. ' +
          'Fix: keep the LwM2M port on a network only the devices reach; DTLS (PSK or certificates) is not available in this connector yet.',
        { connector: this.context.instanceName, listen: `${this.config.listenHost}:${this.config.listenPort}`, security: 'noSec' },
      );
    }
    const session: Partial<Session> = {};
    try {
      session.server = await Lwm2mServer.listen(this.config, {
        notification: (notification) => {
          this.counters.notificationsIn++;
          this.enqueue(notification);
        },
        registered: () => void this.counters.registrations++,
        updated: () => void this.counters.updates++,
        ended: (_registration, why) => {
          this.counters.registrationEnds[why]++;
          if (why === 'replaced') this.counters.reregistrations++;
        },
        refused: (code) => void (this.counters.refusedByCode[code] = (this.counters.refusedByCode[code] ?? 0) + 1),
        observeFailed: (registration, path, reason) => {
          this.counters.observeFailures++;
          this.log.warn(`observing ${path} on ${registration.endpoint} failed: ${reason}; check that the device has the object instance and the path in devices[].observe`, {
            connector: this.context.instanceName,
            endpoint: registration.endpoint,
            path,
          });
        },
        failed: (error) => {
          if (!session.lost) session.lost = error;
          this.wakeups.emit('wake');
        },
      });
    } catch (error) {
      throw new NotConnected(this.context.instanceName, `coap://${this.config.listenHost}:${this.config.listenPort}`, { cause: error });
    }
    this.session = session as Session;
  }

  async read(signal: AbortSignal): Promise<SourceBatch> {
    const session = this.liveSession();
    while (this.queue.length === 0 && !session.lost && !this.closed) await once(this.wakeups, 'wake', { signal });
    this.liveSession();
    const taken = this.queue.splice(0, this.config.maxBatchSize);
    const readings: SourceReading[] = [];
    const rejects: SourceReject[] = [];
    for (const notification of taken) {
      const mapped = mapNotification(notification);
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
        for (const reject of rejects) this.counters.rejectsByErrorClass[reject.errorClass] = (this.counters.rejectsByErrorClass[reject.errorClass] ?? 0) + 1;
      },
      nack: async () => {
        if (settled) return;
        settled = true;
        // The devices cannot send these again: the source is the only one holding them, so they go back in front.
        this.queue.unshift(...taken);
        this.wakeups.emit('wake');
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeups.emit('wake');
    await this.dropSession();
  }

  private enqueue(notification: Notification): void {
    this.queue.push(notification);
    if (this.queue.length > this.config.maxBufferedNotifications) {
      this.queue.shift();
      this.counters.droppedOverflow++;
    }
    this.wakeups.emit('wake');
  }

  private async dropSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.lost ??= new Error('source closed');
    await session.server.close();
  }

  private liveSession(): Session {
    const session = this.session;
    if (!session || session.lost || this.closed) {
      throw new NotConnected(this.context.instanceName, `coap://${this.config.listenHost}:${this.config.listenPort}`, session?.lost ? { cause: session.lost } : undefined);
    }
    return session;
  }
}
