import { afterEach, describe, expect, it } from 'vitest';
import type { ContentInstance } from './content.mapping';
import { NotificationServer } from './notification.server';

const seen: string[] = [];
const cins: ContentInstance[] = [];
let server: NotificationServer | undefined;

async function listen(): Promise<NotificationServer> {
  server = await NotificationServer.listen('127.0.0.1', 0, (container) => container === 'press-7/temperature', {
    contentInstance: (container, cin) => {
      seen.push(`cin ${container}`);
      cins.push(cin);
    },
    verification: (container) => seen.push(`vrq ${container}`),
    unusable: (container, why) => seen.push(`${why} ${container}`),
  });
  return server;
}

async function notify(url: string, body: unknown): Promise<{ status: number; rsc: string | null; ri: string | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'X-M2M-Origin': '/id-in', 'X-M2M-RI': 'ri-1', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, rsc: response.headers.get('X-M2M-RSC'), ri: response.headers.get('X-M2M-RI') };
}

afterEach(async () => {
  await server?.close();
  seen.length = 0;
  cins.length = 0;
});

describe('notification server', () => {
  it('answers the verification request and passes on a created contentInstance of a mapped container', async () => {
    const notifications = await listen();
    const uri = notifications.notificationUri('press-7/temperature');
    expect(uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/press-7%2Ftemperature$/);
    expect(await notify(uri, { 'm2m:sgn': { vrq: true, sur: '/id-in/sub1', cr: 'Cgw' } })).toEqual({ status: 200, rsc: '2000', ri: 'ri-1' });
    const cin = { ri: 'cin1', ct: '20261207T142545,000001', con: '21.5' };
    expect(await notify(uri, { 'm2m:sgn': { nev: { net: 3, rep: { 'm2m:cin': cin } }, sur: '/id-in/sub1' } })).toMatchObject({ status: 200, rsc: '2000' });
    expect(seen).toEqual(['vrq press-7/temperature', 'cin press-7/temperature']);
    expect(cins).toEqual([cin]);
  });

  it('counts a notification for an unmapped container and answers 4004, and one without a contentInstance', async () => {
    const notifications = await listen();
    expect(await notify(notifications.notificationUri('press-8/temperature'), { 'm2m:sgn': { nev: { net: 3, rep: { 'm2m:cin': { con: '1' } } } } })).toMatchObject({
      status: 404,
      rsc: '4004',
    });
    expect(await notify(notifications.notificationUri('press-7/temperature'), { 'm2m:sgn': { nev: { net: 3, rep: { 'm2m:cnt': { rn: 'x' } } } } })).toMatchObject({ status: 200 });
    expect(await notify(notifications.notificationUri('press-7/temperature'), 'not a notification')).toMatchObject({ status: 400, rsc: '4000' });
    expect(seen).toEqual(['unknownContainer press-8/temperature', 'noContentInstance press-7/temperature']);
  });
});
