import { randomBytes } from 'node:crypto';

/** One device's registration with the server (LwM2M 1.1 TS Transport §6.2). */
export interface Registration {
  id: string;
  endpoint: string;
  address: string;
  port: number;
  lifetimeSeconds: number;
  lwm2mVersion: string;
  /** Object instances the device announced, as /object/instance (and /object for an object without instances). */
  objects: Set<string>;
  registeredAt: number;
  lastSeen: number;
}

export type RegistrationEnd = 'deregistered' | 'expired' | 'replaced';

export interface RegisterRequest {
  endpoint: string;
  address: string;
  port: number;
  query: URLSearchParams;
  payload: string;
}

/** A request the server answers with a CoAP error: code and diagnostic text. */
export class RegistrationRefused extends Error {
  override readonly name = 'RegistrationRefused';
  constructor(
    readonly code: '4.00' | '4.03' | '4.04',
    message: string,
  ) {
    super(message);
  }
}

/** Object instances named by a CoRE link-format payload: `</>;rt="oma.lwm2m",</1/0>,</3303/0>;ver=1.1` → /1/0, /3303/0. */
export function announcedObjects(payload: string): Set<string> {
  const objects = new Set<string>();
  for (const [, target] of payload.matchAll(/<([^>]*)>/g)) {
    const match = /^(?:\/[^/]*)*?(\/\d+(?:\/\d+)?)\/?$/.exec(target ?? '');
    if (match?.[1]) objects.add(match[1]);
  }
  return objects;
}

/** Whether a registration's announced objects hold the instance of `/object/instance/resource`. */
export function announces(registration: Registration, resourcePath: string): boolean {
  const [objectId, instanceId] = resourcePath.split('/').slice(1);
  return registration.objects.has(`/${objectId}/${instanceId}`);
}

/**
 * Registrations by id and by endpoint: register (replacing the endpoint's earlier one), update, deregister,
 * and expiry of those not updated within their lifetime plus a grace. Every end goes through `onEnd`.
 */
export class RegistrationStore {
  private readonly byId = new Map<string, Registration>();
  private readonly byEndpoint = new Map<string, Registration>();

  constructor(
    private readonly options: { minLifetimeSeconds: number; graceMs: number; allowed: (endpoint: string) => boolean },
    private readonly onEnd: (registration: Registration, why: RegistrationEnd) => void,
    private readonly now: () => number = Date.now,
  ) {}

  register(request: RegisterRequest): { registration: Registration; replaced?: Registration } {
    if (!this.options.allowed(request.endpoint)) {
      throw new RegistrationRefused('4.03', `endpoint ${request.endpoint} is not among the devices of this connector; add it to devices[] to accept it`);
    }
    const lifetimeSeconds = this.lifetime(request.query) ?? 86_400;
    const now = this.now();
    const registration: Registration = {
      id: randomBytes(6).toString('hex'),
      endpoint: request.endpoint,
      address: request.address,
      port: request.port,
      lifetimeSeconds,
      lwm2mVersion: request.query.get('lwm2m') ?? '1.0',
      objects: announcedObjects(request.payload),
      registeredAt: now,
      lastSeen: now,
    };
    const replaced = this.byEndpoint.get(request.endpoint);
    if (replaced) this.end(replaced, 'replaced');
    this.byId.set(registration.id, registration);
    this.byEndpoint.set(registration.endpoint, registration);
    return replaced ? { registration, replaced } : { registration };
  }

  /** An Update: refreshes the lifetime, and the address, lifetime and objects when sent; `objectsChanged` when the payload named others. */
  update(
    id: string,
    request: { address: string; port: number; query: URLSearchParams; payload: string },
  ): { registration: Registration; objectsChanged: boolean; addressChanged: boolean } {
    const registration = this.byId.get(id);
    if (!registration) throw new RegistrationRefused('4.04', `no registration ${id}: it expired or the server restarted; the device registers again`);
    const lifetimeSeconds = this.lifetime(request.query);
    if (lifetimeSeconds !== undefined) registration.lifetimeSeconds = lifetimeSeconds;
    const addressChanged = registration.address !== request.address || registration.port !== request.port;
    registration.address = request.address;
    registration.port = request.port;
    registration.lastSeen = this.now();
    let objectsChanged = false;
    if (request.payload.trim() !== '') {
      const objects = announcedObjects(request.payload);
      objectsChanged = objects.size !== registration.objects.size || [...objects].some((object) => !registration.objects.has(object));
      registration.objects = objects;
    }
    return { registration, objectsChanged, addressChanged };
  }

  deregister(id: string): Registration {
    const registration = this.byId.get(id);
    if (!registration) throw new RegistrationRefused('4.04', `no registration ${id}`);
    this.end(registration, 'deregistered');
    return registration;
  }

  /** Ends every registration whose lifetime and grace have passed without an update. */
  expire(): void {
    const now = this.now();
    for (const registration of [...this.byId.values()]) {
      if (now > registration.lastSeen + registration.lifetimeSeconds * 1000 + this.options.graceMs) this.end(registration, 'expired');
    }
  }

  get(id: string): Registration | undefined {
    return this.byId.get(id);
  }

  all(): Registration[] {
    return [...this.byId.values()];
  }

  /** Forgets every registration without calling `onEnd` (the server is going away). */
  clear(): void {
    this.byId.clear();
    this.byEndpoint.clear();
  }

  private lifetime(query: URLSearchParams): number | undefined {
    const raw = query.get('lt');
    if (raw === null) return undefined;
    const lifetime = Number(raw);
    if (!Number.isInteger(lifetime) || lifetime < this.options.minLifetimeSeconds) {
      throw new RegistrationRefused('4.00', `lifetime lt=${raw} must be a whole number of seconds of at least ${this.options.minLifetimeSeconds}`);
    }
    return lifetime;
  }

  private end(registration: Registration, why: RegistrationEnd): void {
    this.byId.delete(registration.id);
    if (this.byEndpoint.get(registration.endpoint) === registration) this.byEndpoint.delete(registration.endpoint);
    this.onEnd(registration, why);
  }
}
