import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigInvalid } from '@fieldmesh/config';
import { REPO_ROOT } from '@fieldmesh/stack';
import { parseBenchArgs, USAGE } from './bench.options';
import { runBench } from './bench.runner';
import { renderResultsChart } from './results.chart';
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
  const chart = join(REPO_ROOT, '.fieldmesh', 'bench', 'throughput.svg');
  await writeFile(chart, renderResultsChart(results));
  console.log('\nresults: .fieldmesh/bench/results.json, chart: .fieldmesh/bench/throughput.svg');
  if (options.publish) {
    const docs = join(REPO_ROOT, 'docs', 'bench');
    await mkdir(docs, { recursive: true });
    await copyFile(join(REPO_ROOT, '.fieldmesh', 'bench', 'results.json'), join(docs, 'results.json'));
    await copyFile(chart, join(docs, 'throughput.svg'));
    console.log('published to docs/bench/ (results.json, throughput.svg): update the README performance table from them');
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigInvalid ? error.message : error);
  process.exitCode = 1;
}
