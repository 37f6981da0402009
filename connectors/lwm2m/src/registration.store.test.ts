import { describe, expect, it } from 'vitest';
import { announcedObjects, type Registration, type RegistrationEnd, RegistrationRefused, RegistrationStore } from './registration.store';

function storeAt(clock: { now: number }) {
  const ends: [string, RegistrationEnd][] = [];
  const store = new RegistrationStore(
    { minLifetimeSeconds: 10, graceMs: 2000, allowed: (endpoint) => endpoint.startsWith('press-') },
    (registration: Registration, why) => ends.push([registration.endpoint, why]),
    () => clock.now,
  );
  return { store, ends };
}

const register = (store: RegistrationStore, endpoint: string, query = 'lt=60&lwm2m=1.1', port = 50_000) =>
  store.register({ endpoint, address: '127.0.0.1', port, query: new URLSearchParams(query), payload: '</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>,</3303/0>;ver=1.1,</3304>' });

describe('announcedObjects', () => {
  it('takes the object instances and objects from the link format, without the root and its attributes', () => {
    expect([...announcedObjects('</>;rt="oma.lwm2m";ct=110,</1/0>,</3303/0>;ver=1.1,</3304>')]).toEqual(['/1/0', '/3303/0', '/3304']);
    expect([...announcedObjects('</lwm2m>;rt="oma.lwm2m",</lwm2m/3303/1>')]).toEqual(['/3303/1']);
  });
});

describe('RegistrationStore', () => {
  it('registers with the lifetime and version the device sent, and 86400 s without lt', () => {
    const { store } = storeAt({ now: 1000 });
    expect(register(store, 'press-7').registration).toMatchObject({ endpoint: 'press-7', lifetimeSeconds: 60, lwm2mVersion: '1.1', port: 50_000, registeredAt: 1000 });
    expect(register(store, 'press-8', '').registration.lifetimeSeconds).toBe(86_400);
  });

  it('refuses an endpoint that is not allowed (4.03) and a lifetime below the minimum (4.00)', () => {
    const { store } = storeAt({ now: 0 });
    expect(() => register(store, 'stranger')).toThrow(expect.objectContaining({ code: '4.03' }));
    expect(() => register(store, 'press-7', 'lt=5')).toThrow(expect.objectContaining({ code: '4.00' }));
    expect(() => register(store, 'press-7', 'lt=ten')).toThrow(RegistrationRefused);
    expect(store.all()).toEqual([]);
  });

  it('replaces the earlier registration of an endpoint that registers again', () => {
    const { store, ends } = storeAt({ now: 0 });
    const first = register(store, 'press-7').registration;
    const { registration, replaced } = register(store, 'press-7', 'lt=60', 50_001);
    expect(replaced?.id).toBe(first.id);
    expect(ends).toEqual([['press-7', 'replaced']]);
    expect(store.all().map(({ id }) => id)).toEqual([registration.id]);
    expect(() => store.update(first.id, { address: '127.0.0.1', port: 50_000, query: new URLSearchParams(), payload: '' })).toThrow(expect.objectContaining({ code: '4.04' }));
  });

  it('keeps a registration that is updated within its lifetime and drops one that is not, after the grace', () => {
    const clock = { now: 0 };
    const { store, ends } = storeAt(clock);
    const kept = register(store, 'press-7').registration;
    register(store, 'press-8');
    clock.now = 50_000;
    store.update(kept.id, { address: '127.0.0.1', port: 50_000, query: new URLSearchParams(), payload: '' });
    clock.now = 62_000;
    store.expire();
    expect(ends).toEqual([]);
    clock.now = 62_001;
    store.expire();
    expect(ends).toEqual([['press-8', 'expired']]);
    expect(store.all().map(({ endpoint }) => endpoint)).toEqual(['press-7']);
  });

  it('reports whether an update moved the device or changed its objects', () => {
    const { store } = storeAt({ now: 0 });
    const { id } = register(store, 'press-7').registration;
    const same = store.update(id, { address: '127.0.0.1', port: 50_000, query: new URLSearchParams('lt=120'), payload: '' });
    expect(same).toMatchObject({ objectsChanged: false, addressChanged: false, registration: { lifetimeSeconds: 120 } });
    const moved = store.update(id, { address: '127.0.0.1', port: 50_002, query: new URLSearchParams(), payload: '</1/0>,</3/0>,</3303/0>,</3303/1>' });
    expect(moved).toMatchObject({ objectsChanged: true, addressChanged: true });
    expect(moved.registration.objects.has('/3303/1')).toBe(true);
  });

  it('ends a de-registered registration once and answers 4.04 to an unknown one', () => {
    const { store, ends } = storeAt({ now: 0 });
    const { id } = register(store, 'press-7').registration;
    store.deregister(id);
    expect(ends).toEqual([['press-7', 'deregistered']]);
    expect(() => store.deregister(id)).toThrow(expect.objectContaining({ code: '4.04' }));
  });
});
