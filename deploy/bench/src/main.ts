import { ConfigInvalid } from '@fieldmesh/config';
import { REPO_ROOT } from '@fieldmesh/stack';
import { parseBenchArgs, USAGE } from './bench.options';
import { runBench } from './bench.runner';
import { formatResults } from './results.report';

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  const results = await runBench(REPO_ROOT, options, (line) => console.error(`[bench ${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s] ${line}`));
  console.log(formatResults(results));
  console.log('\nresults: .fieldmesh/bench/results.json');
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigInvalid ? error.message : error);
  process.exitCode = 1;
}
