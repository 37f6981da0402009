import type { AddressInfo } from 'node:net';
import { Agent, createServer, request as coapRequest, type IncomingMessage, type OutgoingMessage, type Server } from 'coap';
import type { DeviceConfig, Lwm2mSourceConfig, ObservationConfig } from './config';
import { CONTENT_FORMAT_CODES } from './content.decoder';
import { announces, type Registration, type RegistrationEnd, RegistrationRefused, RegistrationStore } from './registration.store';

export interface Notification {
  registration: Registration;
  device: DeviceConfig;
  observation: ObservationConfig;
  /** The notification's Content-Format header as node-coap names it. */
  contentFormat: unknown;
  payload: Buffer;
  receivedTime: number;
}

export interface ServerEvents {
  notification(notification: Notification): void;
  registered(registration: Registration): void;
  /** An Update refreshed a registration's lifetime. */
  updated(registration: Registration): void;
  ended(registration: Registration, why: RegistrationEnd): void;
  /** The device refused an observation, did not answer it, or announced no such object instance. */
  observeFailed(registration: Registration, path: string, reason: string): void;
  /** A Register, Update or De-register answered with an error (unlisted endpoint, bad lifetime, unknown registration). */
  refused(code: string, reason: string): void;
  /** The UDP socket failed: the server is gone. */
  failed(error: Error): void;
}

interface ObserveHandle {
  cancel(): void;
}

/**
 * The LwM2M server's CoAP side: the registration interface (/rd: Register, Update, De-register) and, for
 * each registration, an Observe of every configured resource, sent from the server's own socket (a device
 * accepts requests only from the address it registered with).
 */
export class Lwm2mServer {
  private readonly store: RegistrationStore;
  private readonly observations = new Map<string, ObserveHandle[]>();
  private readonly devices: Map<string, DeviceConfig>;
  private readonly expiry: NodeJS.Timeout;

  private constructor(
    private readonly config: Lwm2mSourceConfig,
    private readonly server: Server,
    private readonly agent: Agent,
    private readonly events: ServerEvents,
  ) {
    this.devices = new Map(config.devices.map((device) => [device.endpoint, device]));
    this.store = new RegistrationStore(
      { minLifetimeSeconds: config.minLifetimeSeconds, graceMs: config.lifetimeGraceMs, allowed: (endpoint) => this.devices.has(endpoint) },
      (registration, why) => {
        this.cancelObservations(registration.id);
        events.ended(registration, why);
      },
    );
    this.expiry = setInterval(() => this.store.expire(), 1000);
    this.expiry.unref();
  }

  static async listen(config: Lwm2mSourceConfig, events: ServerEvents): Promise<Lwm2mServer> {
    const server = createServer({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.listenPort, config.listenHost, (error?: Error) => (error ? reject(error) : resolve()));
    });
    const socket = server._sock;
    if (!socket || !('send' in socket)) throw new Error('the CoAP server has no UDP socket');
    const agent = new Agent({ socket });
    const lwm2m = new Lwm2mServer(config, server, agent, events);
    server.on('request', (request: IncomingMessage, response: OutgoingMessage) => lwm2m.handle(request, response));
    server.on('error', (error: Error) => events.failed(error));
    agent.on('error', (error: Error) => events.failed(error));
    return lwm2m;
  }

  get port(): number {
    const socket = this.server._sock;
    return socket && 'address' in socket ? (socket.address() as AddressInfo).port : 0;
  }

  registrations(): Registration[] {
    return this.store.all();
  }

  async close(): Promise<void> {
    clearInterval(this.expiry);
    for (const id of [...this.observations.keys()]) this.cancelObservations(id);
    this.store.clear();
    // Stops the retransmissions of requests still unanswered; the socket is the server's and closes with it.
    this.agent.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: OutgoingMessage): void {
    const url = new URL(request.url, 'coap://server');
    const segments = url.pathname.split('/').filter(Boolean);
    const peer = { address: request.rsinfo.address, port: request.rsinfo.port };
    const answer = (code: string, payload = '') => {
      response.code = code;
      response.end(payload);
    };
    try {
      if (segments[0] !== 'rd' || segments.length > 2) return answer('4.04', 'only the registration interface /rd is served');
      if (segments.length === 1) {
        if (request.method !== 'POST') return answer('4.05');
        const endpoint = url.searchParams.get('ep');
        if (!endpoint) return answer('4.00', 'ep (endpoint client name) is missing');
        const { registration } = this.store.register({ endpoint, ...peer, query: url.searchParams, payload: request.payload.toString('utf8') });
        response.setOption('Location-Path', [Buffer.from('rd'), Buffer.from(registration.id)]);
        answer('2.01');
        this.events.registered(registration);
        this.observeAll(registration);
        return;
      }
      const id = segments[1] as string;
      if (request.method === 'DELETE') {
        this.store.deregister(id);
        return answer('2.02');
      }
      if (request.method !== 'POST') return answer('4.05');
      const { registration, objectsChanged, addressChanged } = this.store.update(id, { ...peer, query: url.searchParams, payload: request.payload.toString('utf8') });
      answer('2.04');
      this.events.updated(registration);
      // Observations follow the device: a new address (NAT rebinding, a restarted stack) or other objects mean new ones.
      if (objectsChanged || addressChanged) {
        this.cancelObservations(registration.id);
        this.observeAll(registration);
      }
    } catch (error) {
      if (error instanceof RegistrationRefused) {
        this.events.refused(error.code, error.message);
        return answer(error.code, error.message);
      }
      throw error;
    }
  }

  private observeAll(registration: Registration): void {
    const device = this.devices.get(registration.endpoint) as DeviceConfig;
    const handles: ObserveHandle[] = [];
    this.observations.set(registration.id, handles);
    for (const observation of device.observe) {
      if (!announces(registration, observation.path)) {
        this.events.observeFailed(registration, observation.path, `the device did not announce ${observation.path.split('/').slice(0, 3).join('/')} in its registration`);
        continue;
      }
      handles.push(this.observe(registration, device, observation));
    }
  }

  private observe(registration: Registration, device: DeviceConfig, observation: ObservationConfig): ObserveHandle {
    let stream: IncomingMessage | undefined;
    let cancelled = false;
    const request = coapRequest({
      hostname: registration.address,
      port: registration.port,
      pathname: observation.path,
      method: 'GET',
      observe: true,
      confirmable: true,
      agent: this.agent,
      accept: CONTENT_FORMAT_CODES[observation.contentFormat],
    });
    const timeout = setTimeout(() => fail(`no answer within ${this.config.requestTimeoutMs} ms`), this.config.requestTimeoutMs);
    timeout.unref();
    const fail = (reason: string) => {
      if (cancelled) return;
      handle.cancel();
      this.events.observeFailed(registration, observation.path, reason);
    };
    const handle: ObserveHandle = {
      cancel: () => {
        cancelled = true;
        clearTimeout(timeout);
        // Reactive cancellation (RFC 7641 §3.6): the agent forgets the token and resets the device's next
        // notification, so a device that is gone is not sent a cancellation it would never acknowledge.
        if (stream && 'close' in stream && typeof stream.close === 'function') stream.close();
        else this.agent.abort(request);
      },
    };
    request.on('response', (response: IncomingMessage) => {
      clearTimeout(timeout);
      if (cancelled) return;
      if (response.code !== '2.05') return fail(`the device answered ${response.code}${response.payload.length > 0 ? ` (${response.payload.toString('utf8')})` : ''}`);
      stream = response;
      response.on('data', (payload: Buffer) => {
        if (cancelled) return;
        this.events.notification({ registration, device, observation, contentFormat: response.headers['Content-Format'], payload, receivedTime: Date.now() });
      });
    });
    request.on('error', (error: Error) => fail(error.message));
    request.end();
    return handle;
  }

  private cancelObservations(registrationId: string): void {
    for (const handle of this.observations.get(registrationId) ?? []) handle.cancel();
    this.observations.delete(registrationId);
  }
}
