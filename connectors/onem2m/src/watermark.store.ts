import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Per container, the creationTime (`ct`) of the newest contentInstance the gateway acked, kept in the
 * connector's state folder: at the next connect the source retrieves what the CSE created after it.
 * oneM2M's basic time format sorts as a string, so "newer" is a string comparison.
 */
export class WatermarkStore {
  private readonly file: string;
  private readonly marks: Record<string, string>;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'onem2m-watermarks.json');
    this.marks = WatermarkStore.read(this.file);
  }

  private static read(file: string): Record<string, string> {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      // First start, or a state folder that was wiped: the source falls back to each container's latest.
      return {};
    }
  }

  get(container: string): string | undefined {
    return this.marks[container];
  }

  /** Moves the container's mark forward (never back) and writes the file (atomically) when one moved. */
  advance(acked: readonly { container: string; ct: string | undefined }[]): void {
    let moved = false;
    for (const { container, ct } of acked) {
      if (ct === undefined || (this.marks[container] ?? '') >= ct) continue;
      this.marks[container] = ct;
      moved = true;
    }
    if (!moved) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.marks));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
