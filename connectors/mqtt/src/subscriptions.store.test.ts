import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SubscriptionStore } from './subscriptions.store';

describe('subscription store', () => {
  it('returns what was recorded for the same broker and client id only', () => {
    const store = new SubscriptionStore(join(mkdtempSync(join(tmpdir(), 'subs-')), 'nested'));
    store.save('mqtt://a:1883', 'gw-1', [{ topic: 'acme/#', qos: 1 }]);
    expect(store.load('mqtt://a:1883', 'gw-1')).toEqual([{ topic: 'acme/#', qos: 1 }]);
    expect(store.load('mqtt://a:1883', 'gw-2')).toBeUndefined();
    expect(store.load('mqtt://b:1883', 'gw-1')).toBeUndefined();
  });

  it('treats a missing or unreadable record as unknown', () => {
    const store = new SubscriptionStore(mkdtempSync(join(tmpdir(), 'subs-')));
    expect(store.load('mqtt://a:1883', 'gw-1')).toBeUndefined();
    writeFileSync(store.file, '{"version":1,');
    expect(store.load('mqtt://a:1883', 'gw-1')).toBeUndefined();
  });
});
