import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Subscription } from './client';

interface RecordedSubscriptions {
  version: 1;
  url: string;
  clientId: string;
  subscriptions: Subscription[];
}

/**
 * Remembers, in the connector's state folder, which filters the broker's persistent session of a client
 * id holds. MQTT offers no way to list them, and a session keeps every filter ever subscribed until it is
 * unsubscribed: without this record a filter dropped from the config would go on delivering.
 */
export class SubscriptionStore {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'mqtt-subscriptions.json');
  }

  /** The recorded filters of the session of `clientId` at `url`; undefined when nothing (readable) was recorded for it. */
  load(url: string, clientId: string): Subscription[] | undefined {
    try {
      const recorded = JSON.parse(readFileSync(this.file, 'utf8')) as RecordedSubscriptions;
      if (recorded.version !== 1 || recorded.url !== url || recorded.clientId !== clientId || !Array.isArray(recorded.subscriptions)) return undefined;
      return recorded.subscriptions;
    } catch {
      return undefined;
    }
  }

  /** Write, fsync, rename: after a crash the file holds the old or the new list, never a torn one. */
  save(url: string, clientId: string, subscriptions: readonly Subscription[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    const record: RecordedSubscriptions = { version: 1, url, clientId, subscriptions: [...subscriptions] };
    const descriptor = openSync(temporary, 'w');
    try {
      writeSync(descriptor, JSON.stringify(record));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, this.file);
  }
}
