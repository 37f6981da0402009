import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BirthRegistry, type PersistedBirths } from './sparkplug.births';

/**
 * Keeps the Sparkplug birth certificates in the connector's state folder. Without them a restarted
 * gateway would reject every DATA message the persistent session redelivers (unknown alias) until the
 * edge nodes answered the rebirth requests.
 */
export class BirthStore {
  readonly file: string;
  private savedRevision = 0;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'sparkplug-births.json');
  }

  /** The saved registry; an empty one when there is none or it cannot be read (rebirth requests refill it). */
  load(): BirthRegistry {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return new BirthRegistry();
    }
    try {
      const persisted = JSON.parse(text) as PersistedBirths;
      return persisted.version === 1 ? BirthRegistry.restore(persisted) : new BirthRegistry();
    } catch {
      return new BirthRegistry();
    }
  }

  /** Writes when a birth or death changed the registry; write-then-rename so a crash leaves the old file. */
  save(registry: BirthRegistry): void {
    if (registry.revision === this.savedRevision) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, JSON.stringify(registry.persist()));
    renameSync(temporary, this.file);
    this.savedRevision = registry.revision;
  }
}
