import type { IdRegistration } from './subject-versions.request';

interface Entry<T> {
  value: T;
  /** Clock time after which the entry is no longer used. */
  freshUntil: number;
}

/**
 * Which subject versions hold each schema id, as the registry last said, so that consumers check every
 * record against its topic's subject without a request per record.
 *
 * An answer is reused for `refreshMs` (an id the registry does not know at all for `unknownMs`, 0 for
 * never), so a deleted version stops being trusted within that time. A remembered answer that lacks
 * the subject asked about is not trusted to say no: the same schema registered under another subject
 * keeps its id, so a topic created since may hold it now. The registry is asked again, and only its
 * fresh "not under this subject" is remembered (per id and subject), so a flood of records forged with
 * one id costs one request per `refreshMs`. At most `maxIds` ids and as many refused pairs are
 * remembered; the least recently fetched go first.
 */
export class SubjectVersionsCache {
  private readonly registrations = new Map<number, Entry<IdRegistration>>();
  /** `id␤subject` pairs the registry said no to since their last fetch. */
  private readonly refusals = new Map<string, Entry<true>>();
  private readonly pending = new Map<number, Promise<IdRegistration>>();

  constructor(
    private readonly fetchRegistration: (schemaId: number) => Promise<IdRegistration>,
    private readonly refreshMs: number,
    private readonly unknownMs: number,
    private readonly maxIds: number,
    private readonly clock: () => number,
  ) {}

  /** True without a request while a fresh answer holds the id as a version of the subject. */
  isVersionOfCached(schemaId: number, subject: string): boolean {
    const registration = this.fresh(this.registrations, schemaId);
    return registration !== undefined && isVersionOf(registration, subject);
  }

  /**
   * An answer about the id that is authoritative for the subject: asked of the registry (once however
   * many records wait for it) unless a fresh answer names the subject, the id is unknown, or the
   * registry already said no for this subject.
   */
  async registrationFor(schemaId: number, subject: string): Promise<IdRegistration> {
    const known = this.fresh(this.registrations, schemaId);
    if (known !== undefined && (known === 'unknown' || isVersionOf(known, subject) || this.fresh(this.refusals, refusalKey(schemaId, subject)))) {
      return known;
    }
    const registration = await this.fetch(schemaId);
    if (registration !== 'unknown' && !isVersionOf(registration, subject)) this.remember(this.refusals, refusalKey(schemaId, subject), true, this.refreshMs);
    return registration;
  }

  private fetch(schemaId: number): Promise<IdRegistration> {
    let pending = this.pending.get(schemaId);
    if (!pending) {
      // A failure is not remembered: the retried batch asks again.
      pending = this.fetchRegistration(schemaId)
        .then((registration) => {
          this.remember(this.registrations, schemaId, registration, registration === 'unknown' ? this.unknownMs : this.refreshMs);
          return registration;
        })
        .finally(() => this.pending.delete(schemaId));
      this.pending.set(schemaId, pending);
    }
    return pending;
  }

  private fresh<K, T>(entries: Map<K, Entry<T>>, key: K): T | undefined {
    const entry = entries.get(key);
    return entry && entry.freshUntil > this.clock() ? entry.value : undefined;
  }

  private remember<K, T>(entries: Map<K, Entry<T>>, key: K, value: T, lifetimeMs: number): void {
    if (lifetimeMs === 0) return;
    // Deleted and set again: Map order is then the order of fetching, oldest first.
    entries.delete(key);
    if (entries.size >= this.maxIds) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, { value, freshUntil: this.clock() + lifetimeMs });
  }
}

function refusalKey(schemaId: number, subject: string): string {
  return `${schemaId}\n${subject}`;
}

/** True when the registration names a version of the subject. */
export function isVersionOf(registration: IdRegistration, subject: string): boolean {
  return registration !== 'unknown' && registration.some((version) => version.subject === subject);
}
