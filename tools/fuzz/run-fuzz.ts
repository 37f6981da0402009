/**
 * The long run of the parser fuzz suite: each parser that outside bytes reach gets `--runs` inputs
 * (1,000,000 by default) from the same properties `npm test` runs briefly beside each parser. Prints
 * the count, the rate and the slowest input per parser; fails on the first property broken, or on an
 * input that takes longer than HANG_MS (a hang detector only: the properties bound sizes themselves).
 *
 *   npm run test:long:fuzz                                  every parser, 1,000,000 inputs each
 *   npm run test:long:fuzz -- --runs 50000 --target sparkplug-b
 *   npm run test:long:fuzz -- --target contract-yaml --seed 42   the inputs of an earlier run again
 *
 * Progress goes to stderr every PROGRESS_EVERY_MS; each parser's line names its seed.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { jsonDecoderFuzz } from '../../connectors/mqtt/src/json.decoder.fuzz';
import { sparkplugDecoderFuzz } from '../../connectors/mqtt/src/sparkplug.decoder.fuzz';
import { recordingCsvFuzz } from '../../domains/asset-health/src/backtest/recording.reader.fuzz';
import { replayCsvFuzz } from '../../deploy/simulator/src/replay.source.fuzz';
import { gatewayConfigFuzz } from '../../edge-gateway/src/config/load-gateway-config.fuzz';
import { contractYamlFuzz } from '../../platform/governance/src/contract.loader.fuzz';
import { avroDecodeFuzz } from '../../platform/serde/src/decode.router.fuzz';

interface FuzzTarget<T> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  check(input: T): void | Promise<void>;
}

const HANG_MS = 5_000;
const PROGRESS_EVERY_MS = 30_000;
// The targets' input types differ; the runner only passes each its own inputs.
const TARGETS = [jsonDecoderFuzz, sparkplugDecoderFuzz, avroDecodeFuzz, contractYamlFuzz, gatewayConfigFuzz, replayCsvFuzz, recordingCsvFuzz] as FuzzTarget<unknown>[];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000000' }, target: { type: 'string', multiple: true }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const unknown = (values.target ?? []).filter((name) => !TARGETS.some((target) => target.name === name));
if (unknown.length > 0) throw new Error(`no fuzz target ${unknown.join(', ')}; the targets are ${TARGETS.map((target) => target.name).join(', ')}`);
const chosen = values.target ? TARGETS.filter((target) => values.target!.includes(target.name)) : TARGETS;

for (const target of chosen) {
  let slowestMs = 0;
  let done = 0;
  const started = performance.now();
  let reportedAt = started;
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    const inputStarted = performance.now();
    await target.check(input);
    const now = performance.now();
    const tookMs = now - inputStarted;
    slowestMs = Math.max(slowestMs, tookMs);
    if (tookMs > HANG_MS) throw new Error(`one input took ${Math.round(tookMs)} ms (more than ${HANG_MS}): a hang`);
    done += 1;
    if (now - reportedAt >= PROGRESS_EVERY_MS) {
      reportedAt = now;
      console.error(`${target.name}: ${done} of ${runs} inputs, ${Math.round(done / ((now - started) / 1000))} inputs/s`);
    }
  });
  await fc.assert(property, { numRuns: runs, seed });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${target.name.padEnd(16)} ${runs} inputs in ${seconds.toFixed(1)} s: ${Math.round(runs / seconds)} inputs/s, slowest ${slowestMs.toFixed(1)} ms, 0 failures (seed ${seed})`,
  );
}
