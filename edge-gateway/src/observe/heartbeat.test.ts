import type { GatewayReply } from '@fieldmesh/connect';
import { describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat';
import { LogTail } from './log.tail';

const state = () => ({
  state: 'ok' as const,
  uplink: true,
  connectors: { 'plant-mqtt': true },
  buffer: { segments: 1, bytes: 0, pendingRecords: 0, oldestUnackedSeq: null, droppedRecords: 0 },
});

describe('Heartbeat', () => {
  it("sends the gateway's state with its interval, so the console can tell a silent gateway", async () => {
    const sent: GatewayReply[] = [];
    const heartbeat = new Heartbeat({ gatewayId: 'gw-1', intervalSeconds: 15, state, replies: { send: async (r) => void sent.push(r) }, say: () => undefined, clock: () => 0 });
    await heartbeat.beat();
    expect(sent).toEqual([{ kind: 'heartbeat', gatewayId: 'gw-1', sentAt: '1970-01-01T00:00:00.000Z', startedAt: '1970-01-01T00:00:00.000Z', intervalSeconds: 15, ...state() }]);
  });

  it('sends no second beat while one is on its way, and logs a failing uplink once per reason', async () => {
    let release: (() => void) | undefined;
    let calls = 0;
    const said: string[] = [];
    const replies = {
      send: () => {
        calls++;
        return new Promise<void>((_, reject) => (release = () => reject(new Error('broker unreachable'))));
      },
    };
    const heartbeat = new Heartbeat({ gatewayId: 'gw-1', intervalSeconds: 15, state, replies, say: (line) => said.push(line) });
    const first = heartbeat.beat();
    const second = heartbeat.beat();
    release!();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    const third = heartbeat.beat();
    release!();
    await third;
    expect(calls).toBe(2);
    expect(said).toEqual(['heartbeat not sent (broker unreachable); the console shows this gateway silent until one is']);
  });
});

describe('LogTail', () => {
  it('keeps the last lines with their time, passes every line on, and forgets the oldest past its capacity', () => {
    const passed: string[] = [];
    const tail = new LogTail(2, () => 0);
    const say = tail.wrap((line) => passed.push(line));
    for (const line of ['a', 'b', 'c']) say(line);
    expect(passed).toEqual(['a', 'b', 'c']);
    expect(tail.last(5)).toEqual(['1970-01-01T00:00:00.000Z b', '1970-01-01T00:00:00.000Z c']);
    expect(tail.last(1)).toEqual(['1970-01-01T00:00:00.000Z c']);
  });
});
