import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { BufferWriteFailed, CheckpointWriteFailed } from './errors';
import { FaultyFileSystem, type InjectedFault } from './faulty.file-system';
import { frameHeaderBytes } from './segment-frame';
import { SegmentLog, type SegmentLogOptions } from './segment-log';

/**
 * Model-based test of the segment log: random sequences of appends (some meeting a full disk, a torn write
 * or a crash in the middle), reads, commits, clean restarts and crashes (kill -9 between operations),
 * checked against a reference model of what a source and the forwarder were told. The property: every
 * acknowledged record is read by the forwarder once, in sequence order, with its own bytes, or counted as
 * dropped by the drop-oldest policy; no rejected record ever comes back; sequence numbers only grow.
 * A crash is simulated in-process (the file system refuses every call after it, and what is on disk stays
 * as it is); bench/buffer-model.long.ts runs it at length, test/buffer-crash.test.ts kills real processes.
 */

/** A fault an append meets; `at` is the fraction of its bytes that reach the disk. */
export type AppendFault =
  { kind: 'short-write'; at: number } | { kind: 'short-write-uncut'; at: number } | { kind: 'enospc' } | { kind: 'sync-fails' } | { kind: 'crash'; at: number };

export type BufferOp =
  | { op: 'append'; sizes: number[]; fault?: AppendFault }
  | { op: 'read'; max: number }
  /** An append while the forwarder reads and commits, as the gateway's ingest and forwarder run. */
  | { op: 'append-while-forwarding'; sizes: number[]; max: number }
  | { op: 'commit'; checkpointFails: boolean }
  | { op: 'reopen' }
  /** A restart on a disk too full for a new segment file. */
  | { op: 'reopen-on-full-disk' }
  | { op: 'crash' };

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const appendFault: fc.Arbitrary<AppendFault> = fc.oneof(
  fc.record({ kind: fc.constant('short-write' as const), at: fraction }),
  fc.record({ kind: fc.constant('short-write-uncut' as const), at: fraction }),
  fc.record({ kind: fc.constant('enospc' as const) }),
  fc.record({ kind: fc.constant('sync-fails' as const) }),
  // A crash may come after the whole append reached the disk, before it was acknowledged.
  fc.record({ kind: fc.constant('crash' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

export const bufferOp: fc.Arbitrary<BufferOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('append' as const), sizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('append' as const), sizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }), fault: appendFault }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), max: fc.integer({ min: 1, max: 20 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('append-while-forwarding' as const),
      sizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
      max: fc.integer({ min: 1, max: 20 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('commit' as const),
      checkpointFails: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen-on-full-disk' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
);

export const bufferOps = fc.array(bufferOp, { maxLength: 60, size: 'medium' });

/** The fsync policy matters to which calls fail (a fault meets the next fsync), not to what a kill -9 keeps. */
export const fsyncPolicy = fc.constantFrom<SegmentLogOptions['fsync']>('always', 'interval', 'never');

/** tmpfs when the machine has one: the model checks the log's logic, not the speed of a disk's fsync. */
export function modelRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

export interface ModelOptions {
  /** Where the per-sequence directories go (tmpfs makes the long run faster). */
  root: string;
  maxBytes?: number;
  segmentBytes?: number;
}

/** A broken promise of the buffer: thrown with what was expected and what happened. */
export class ModelViolation extends Error {
  override readonly name = 'ModelViolation';
}

interface Sent {
  seq: number;
  /** 'acked': the source was told it is stored; 'maybe': in flight at a crash; 'rejected': the source was told it failed. */
  state: 'acked' | 'maybe' | 'rejected';
}

/** What the sources and the forwarder were told, and what the forwarder read. */
class Reference {
  readonly sent = new Map<string, Sent>();
  readonly acked = new Map<number, string>();
  readonly delivered = new Map<number, string>();
  highestSeq = 0;
  highestDelivered = 0;
  dropped = 0;

  ack(seqs: number[], payloads: string[]): void {
    seqs.forEach((seq, i) => {
      if (seq <= this.highestSeq) throw new ModelViolation(`append acknowledged seq ${seq}, not above ${this.highestSeq} given before`);
      if (i > 0 && seq !== seqs[i - 1]! + 1) throw new ModelViolation(`one append got sequence numbers ${seqs.join(',')}`);
      this.sent.set(payloads[i]!, { seq, state: 'acked' });
      this.acked.set(seq, payloads[i]!);
      this.highestSeq = Math.max(this.highestSeq, seq);
    });
  }

  settle(payloads: string[], firstSeq: number, state: 'maybe' | 'rejected'): void {
    payloads.forEach((payload, i) => this.sent.set(payload, { seq: firstSeq + i, state }));
  }

  deliver(seq: number, payload: string, from: number): void {
    const sent = this.sent.get(payload);
    if (!sent || sent.state === 'rejected') throw new ModelViolation(`read seq ${seq} holding a record whose append was ${sent ? 'rejected' : 'never made'}`);
    if (sent.seq !== seq) throw new ModelViolation(`read seq ${seq} holding the record appended as seq ${sent.seq}`);
    if (seq < from) throw new ModelViolation(`read seq ${seq} before the position ${from} asked for`);
    if (sent.state === 'maybe' && this.acked.has(seq)) throw new ModelViolation(`seq ${seq} holds an unacknowledged record, and also an acknowledged one`);
    const earlier = this.delivered.get(seq);
    if (earlier !== undefined) {
      if (earlier !== payload) throw new ModelViolation(`seq ${seq} was read with other bytes before`);
      return; // a resend after a restart: same seq, same bytes
    }
    if (seq <= this.highestDelivered) throw new ModelViolation(`seq ${seq} read for the first time after seq ${this.highestDelivered}: out of order`);
    this.delivered.set(seq, payload);
    this.highestDelivered = seq;
  }

  /** Every acknowledged record was read or is counted as dropped. */
  verifyEnd(): void {
    const lost = [...this.acked].filter(([seq, payload]) => this.delivered.get(seq) !== payload).map(([seq]) => seq);
    if (lost.length > this.dropped)
      throw new ModelViolation(`${lost.length} acknowledged record(s) never read (seqs ${lost.slice(0, 10).join(',')}) but only ${this.dropped} counted as dropped`);
  }
}

/** Runs one sequence against a fresh directory; throws ModelViolation (or the log's own error) when a promise breaks. */
export async function checkSequence(ops: BufferOp[], options: ModelOptions, fsync: SegmentLogOptions['fsync'] = 'always'): Promise<void> {
  const dir = await mkdtemp(join(options.root, 'fm-buffer-model-'));
  const logOptions: SegmentLogOptions = {
    dir,
    maxBytes: options.maxBytes ?? 8 * 1024,
    segmentBytes: options.segmentBytes ?? 2 * 1024,
    fsync,
    fsyncIntervalMs: 1,
    onFull: 'drop-oldest',
  };
  const ref = new Reference();
  let files = new FaultyFileSystem();
  let log = await SegmentLog.open({ ...logOptions, files });
  let reader = log.stats.committedSeq + 1;
  let alive = true;
  let counter = 0;

  const restart = async (crash: boolean, diskFull = false) => {
    ref.dropped += log.stats.droppedRecords;
    if (crash) {
      await files.crash();
      // Only stops the dead instance's fsync timer: its file system refuses every call, so nothing reaches the disk.
      await log.close().catch(() => undefined);
    } else {
      await log.close();
    }
    files = new FaultyFileSystem();
    if (diskFull) files.inject({ kind: 'create-fails' });
    log = await SegmentLog.open({ ...logOptions, files });
    reader = log.stats.committedSeq + 1;
    alive = true;
  };

  const read = async (max: number) => {
    const batch = await log.read(reader, max);
    for (const record of batch) ref.deliver(record.seq, record.payload.toString('latin1'), reader);
    if (batch.length > 0) reader = batch.at(-1)!.seq + 1;
    return batch.length;
  };

  try {
    for (const op of ops) {
      if (!alive) await restart(true);
      switch (op.op) {
        case 'append': {
          const payloads = op.sizes.map((size) => `${++counter}:`.padEnd(size, '.'));
          const firstSeq = log.stats.nextSeq;
          const incoming = payloads.reduce((sum, payload) => sum + frameHeaderBytes + payload.length, 0);
          const faults: InjectedFault[] = [];
          if (op.fault?.kind === 'short-write') faults.push({ kind: 'short-write', bytes: Math.floor(op.fault.at * incoming) });
          if (op.fault?.kind === 'short-write-uncut') faults.push({ kind: 'short-write', bytes: Math.floor(op.fault.at * incoming) }, { kind: 'truncate-fails' });
          if (op.fault?.kind === 'enospc' || op.fault?.kind === 'sync-fails') faults.push({ kind: op.fault.kind });
          if (op.fault?.kind === 'crash') faults.push({ kind: 'crash', bytes: Math.floor(op.fault.at * incoming) });
          files.inject(...faults);
          try {
            ref.ack(await log.append(payloads.map((p) => Buffer.from(p, 'latin1'))), payloads);
          } catch (error) {
            if (!(error instanceof BufferWriteFailed) || !op.fault) throw error;
            // A crash may leave whole frames of this append on disk, to be found by the next open.
            ref.settle(payloads, firstSeq, op.fault.kind === 'crash' ? 'maybe' : 'rejected');
            if (op.fault.kind === 'crash') alive = false;
          }
          if (alive && log.bytes > logOptions.maxBytes) throw new ModelViolation(`buffer holds ${log.bytes} bytes, above maxBytes ${logOptions.maxBytes}`);
          break;
        }
        case 'read':
          await read(op.max);
          break;
        case 'append-while-forwarding': {
          const payloads = op.sizes.map((size) => `${++counter}:`.padEnd(size, '.'));
          // The forwarder may read the records before the append resolves (their bytes are durable then).
          ref.settle(payloads, log.stats.nextSeq, 'maybe');
          const [seqs] = await Promise.all([log.append(payloads.map((p) => Buffer.from(p, 'latin1'))), read(op.max).then(() => log.commit(reader - 1))]);
          ref.ack(seqs, payloads);
          break;
        }
        case 'commit':
          if (op.checkpointFails) files.inject({ kind: 'checkpoint-fails' });
          try {
            await log.commit(reader - 1);
          } catch (error) {
            if (!(error instanceof CheckpointWriteFailed) || !op.checkpointFails) throw error;
          }
          break;
        case 'reopen':
        case 'crash':
        case 'reopen-on-full-disk':
          await restart(op.op === 'crash', op.op === 'reopen-on-full-disk');
          break;
      }
      files.clearFaults();
    }
    if (!alive) await restart(true);
    while ((await read(1000)) > 0);
    ref.dropped += log.stats.droppedRecords;
    ref.verifyEnd();
  } finally {
    if (alive) await log.close().catch(() => undefined);
    await files.crash();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The property over random sequences, for fc.assert / fc.check. */
export function bufferModelProperty(options: ModelOptions) {
  return fc.asyncProperty(bufferOps, fsyncPolicy, (ops, fsync) => checkSequence(ops, options, fsync));
}
