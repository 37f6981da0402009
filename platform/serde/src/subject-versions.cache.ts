import type { IdRegistration } from './subject-versions.request';

interface Entry {
  registration: IdRegistration;
  /** Clock time after which the registry is asked again. */
  freshUntil: number;
}

/**
 * Which subject versions hold each schema id, as the registry last said, so that consumers check every
 * record against its topic's subject without a request per record. Entries are asked again after
 * `refreshMs` (ids the registry does not know at all after `unknownMs`, 0 for never remembered): an id registered under the subject since (a schema that another subject already held
 * keeps its id) is trusted within that time, and a deleted version stops being trusted. At most
 * `maxIds` ids are remembered; the least recently fetched go first, so a flood of forged ids costs
 * memory only up to that bound.
 */
export class SubjectVersionsCache {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Promise<IdRegistration>>();

  constructor(
    private readonly fetchRegistration: (schemaId: number) => Promise<IdRegistration>,
    private readonly refreshMs: number,
    private readonly unknownMs: number,
    private readonly maxIds: number,
    private readonly clock: () => number,
  ) {}

  /** The remembered answer for the id while it is fresh; undefined when the registry must be asked. */
  cached(schemaId: number): IdRegistration | undefined {
    const entry = this.entries.get(schemaId);
    return entry && entry.freshUntil > this.clock() ? entry.registration : undefined;
  }

  /** The fresh answer for the id, asking the registry once however many records wait for it. */
  registrationOf(schemaId: number): Promise<IdRegistration> {
    const cached = this.cached(schemaId);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.pending.get(schemaId);
    if (!pending) {
      // A failure is not remembered: the retried batch asks again.
      pending = this.fetchRegistration(schemaId)
        .then((registration) => {
          this.remember(schemaId, registration);
          return registration;
        })
        .finally(() => this.pending.delete(schemaId));
      this.pending.set(schemaId, pending);
    }
    return pending;
  }

  private remember(schemaId: number, registration: IdRegistration): void {
    const lifetimeMs = registration === 'unknown' ? this.unknownMs : this.refreshMs;
    if (lifetimeMs === 0) return;
    // Deleted and set again: Map order is then the order of fetching, oldest first.
    this.entries.delete(schemaId);
    if (this.entries.size >= this.maxIds) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(schemaId, { registration, freshUntil: this.clock() + lifetimeMs });
  }
}

/** True when the registration names a version of the subject. */
export function isVersionOf(registration: IdRegistration, subject: string): boolean {
  return registration !== 'unknown' && registration.some((version) => version.subject === subject);
}
