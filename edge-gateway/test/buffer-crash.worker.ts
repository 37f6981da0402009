/**
 * A process that holds the disk buffer and is killed with SIGKILL by buffer-crash.test.ts: it appends
 * batches and forwards (reads and commits) at random, and reports each thing it was told had happened,
 * after it happened, to a report file with a synchronous write: every reported line is in the file before
 * the next operation starts, whenever the kill comes. The same line goes to stdout only to tell the test
 * when to kill: a write to a full pipe returns before the bytes are out (libuv queues it), so lines there
 * can die with the process, and a record forwarded and committed looked lost to the test under load.
 *
 *   tsx buffer-crash.worker.ts <dir> <always|interval|never> <report file>
 */
import { openSync, writeSync } from 'node:fs';
import { SegmentLog, type SegmentLogOptions } from '../src/buffer/segment-log';

const [dir, fsync, reportFile] = process.argv.slice(2) as [string, SegmentLogOptions['fsync'], string];
const report = openSync(reportFile, 'w');
const say = (line: string) => {
  writeSync(report, `${line}\n`);
  process.stdout.write(`${line}\n`);
};
const log = await SegmentLog.open({ dir, maxBytes: 1 << 26, segmentBytes: 16 * 1024, fsync, fsyncIntervalMs: 5, onFull: 'block' });
let reader = log.stats.committedSeq + 1;
say(`open ${log.stats.committedSeq}`);
for (let n = 0; ;) {
  const ids = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => `${process.pid}-${++n}`);
  const seqs = await log.append(ids.map((id) => Buffer.from(`${id}|`.padEnd(20 + Math.floor(Math.random() * 400), '.'))));
  say(`ack ${seqs[0]} ${ids.join(',')}`);
  if (Math.random() < 0.3) {
    const batch = await log.read(reader, 1 + Math.floor(Math.random() * 30));
    for (const record of batch) say(`fwd ${record.seq} ${record.payload.toString().split('|')[0]}`);
    if (batch.length > 0) reader = batch.at(-1)!.seq + 1;
    if (Math.random() < 0.5) {
      await log.commit(reader - 1);
      say(`commit ${reader - 1}`);
    }
  }
}
