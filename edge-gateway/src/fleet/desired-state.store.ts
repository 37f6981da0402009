import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DesiredStateReport, SignedDesiredState } from '@fieldmesh/connect';

/** What a gateway keeps of its desired state across restarts. */
export interface DesiredStateRecord {
  /** The signed state running (verified again at start); null: the gateway's own file. */
  applied: SignedDesiredState | null;
  /** The highest version received: a lower or equal one is never applied again, so a bad version is not retried after a crash. */
  highestSeen: number;
  latest: DesiredStateReport['latest'];
}

const EMPTY: DesiredStateRecord = { applied: null, highestSeen: 0, latest: null };

/** `<stateDir>/desired-state.json`, written whole and renamed into place, so a crash leaves the old or the new record. */
export class DesiredStateStore {
  constructor(private readonly file: string) {}

  async load(): Promise<DesiredStateRecord> {
    try {
      return { ...EMPTY, ...(JSON.parse(await readFile(this.file, 'utf8')) as Partial<DesiredStateRecord>) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
      throw error;
    }
  }

  async save(record: DesiredStateRecord): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, this.file);
  }
}
