import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Prints what is appended to the files from now on, each line prefixed with its file's label, until the
 * signal aborts. Polls every 250 ms: simple, works for files that do not exist yet, good enough for people.
 */
export async function followLogs(files: ReadonlyArray<{ label: string; file: string }>, write: (line: string) => void, signal: AbortSignal): Promise<void> {
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const positions = new Map(files.map(({ file }) => [file, size(file)]));
  const partial = new Map<string, string>();
  while (!signal.aborted) {
    for (const { label, file } of files) {
      const from = positions.get(file) ?? 0;
      const to = size(file);
      if (to < from) positions.set(file, 0); // truncated or recreated: start again from its beginning
      if (to <= from) continue;
      const buffer = Buffer.alloc(to - from);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, buffer, 0, buffer.length, from);
      } finally {
        closeSync(fd);
      }
      positions.set(file, to);
      const text = (partial.get(file) ?? '') + buffer.toString('utf8');
      const lines = text.split('\n');
      partial.set(file, lines.pop() ?? '');
      for (const line of lines) write(`${label}${line}`);
    }
    await sleep(250, undefined, { signal }).catch(() => undefined);
  }
}
