/**
 * The long run of the buffer's model-based test (src/buffer/segment-log.model.ts): random sequences of
 * appends, reads, commits, restarts, crashes, torn writes and full disks, each checked against the
 * reference model. Prints the count and the rate; exits 1 with the shrunk counterexample and its seed on
 * the first broken promise.
 *
 *   npm run test:long:buffer                  # 100,000 sequences
 *   npm run test:long:buffer -- --runs 5000 --seed 42
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { bufferOps, checkSequence, fsyncPolicy, modelRoot } from '../src/buffer/segment-log.model';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const root = modelRoot();

const chunk = 5_000;
let done = 0;
let operations = 0;
const started = performance.now();
for (let round = 0; done < runs; round++) {
  const numRuns = Math.min(chunk, runs - done);
  const property = fc.asyncProperty(bufferOps, fsyncPolicy, async (ops, fsync) => {
    operations += ops.length;
    await checkSequence(ops, { root }, fsync);
  });
  // A sequence that hangs (an append or commit waiting forever) fails like a broken promise; the bound is
  // far above the milliseconds a sequence takes, so that a busy machine does not trip it.
  await fc.assert(property, { numRuns, seed: seed + round, timeout: 120_000 });
  done += numRuns;
  const seconds = (performance.now() - started) / 1000;
  console.log(`${done.toLocaleString('en')} / ${runs.toLocaleString('en')} sequences, ${(done / seconds).toFixed(0)} sequences/s`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `buffer model: ${done.toLocaleString('en')} sequences (${operations.toLocaleString('en')} operations) in ${seconds.toFixed(1)} s, ` +
    `${(done / seconds).toFixed(0)} sequences/s, 0 violations (seed ${seed}, files under ${root})`,
);
