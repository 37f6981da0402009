import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { SegmentLog, type SegmentLogOptions } from '../src/buffer/segment-log';

const worker = join(import.meta.dirname, 'buffer-crash.worker.ts');

/** What the killed processes reported: records acknowledged to a source, records handed to Kafka. */
interface Reports {
  acked: Map<number, string>;
  forwarded: Map<number, string>;
}

/**
 * Runs the worker on `dir` until it said it made `acks` appends (0: until it opened the buffer), kills it with
 * SIGKILL, then takes what it reported from its report file (stdout lines can die with it: see the worker).
 */
async function runAndKill(dir: string, fsync: SegmentLogOptions['fsync'], acks: number, reports: Reports): Promise<void> {
  const reportFile = `${dir}.report`;
  const child = spawn(process.execPath, ['--import', 'tsx', worker, dir, fsync, reportFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if ((line.startsWith('open ') && acks === 0) || (line.startsWith('ack ') && ++seen === acks)) child.kill('SIGKILL');
  }
  expect(await exited, stderr).toBe('SIGKILL');
  let lastForwarded = 0;
  // The last element is '' after a whole last line, or a line the kill cut short: neither is a report.
  const lines = (await readFile(reportFile, 'utf8')).split('\n').slice(0, -1);
  await rm(reportFile);
  for (const line of lines) {
    const [kind, first, ids] = line.split(' ') as [string, string, string];
    const seq = Number(first);
    if (kind === 'ack') {
      ids.split(',').forEach((id, i) => {
        // No acknowledged number is ever given again, by this process or a later one.
        expect(reports.acked.has(seq + i), `seq ${seq + i} acknowledged twice`).toBe(false);
        reports.acked.set(seq + i, id);
      });
    } else if (kind === 'fwd') {
      expect(seq, 'forwarded in sequence order').toBeGreaterThan(lastForwarded);
      lastForwarded = seq;
      const earlier = reports.forwarded.get(seq);
      if (earlier !== undefined) expect(ids, `seq ${seq} resent with other bytes`).toBe(earlier);
      reports.forwarded.set(seq, ids);
    }
  }
}

describe('the disk buffer under kill -9', () => {
  it.each(['always', 'interval', 'never'] as const)("keeps every acknowledged record, in order, through repeated kill -9 of its process (fsync '%s')", async (fsync) => {
    const dir = await mkdtemp(join(tmpdir(), 'fm-buffer-crash-'));
    const reports: Reports = { acked: new Map(), forwarded: new Map() };
    try {
      // Every other process is killed as soon as it opened the buffer: a start that appends nothing (issue 9, defect 1).
      for (let kill = 0; kill < 8; kill++) await runAndKill(dir, fsync, kill % 2 === 1 ? 0 : 20 + Math.floor(Math.random() * 150), reports);
      const log = await SegmentLog.open({ dir, maxBytes: 1 << 26, segmentBytes: 16 * 1024, fsync, onFull: 'block' });
      const remaining = await log.read(log.stats.committedSeq + 1, 1_000_000, 1 << 30);
      await log.close();
      const ids = remaining.map((record) => record.payload.toString().split('|')[0]!);
      expect(remaining.map((r) => r.seq)).toEqual([...remaining.map((r) => r.seq)].sort((a, b) => a - b));
      const readable = new Map(remaining.map((record, i) => [record.seq, ids[i]!]));
      const lost = [...reports.acked].filter(([seq, id]) => reports.forwarded.get(seq) !== id && readable.get(seq) !== id);
      expect(lost, 'acknowledged records neither forwarded nor in the buffer').toEqual([]);
      for (const [seq, id] of readable) if (reports.acked.has(seq)) expect(id).toBe(reports.acked.get(seq));
      expect(reports.acked.size).toBeGreaterThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
