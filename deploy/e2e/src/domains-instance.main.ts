/**
 * One instance of some domains in its own process, so a test can kill -9 it: argv[2] is JSON
 * `{ "domains": { "<name>": <that domain's config, with its instance> } }`. The domains are found under
 * domains/ as the main job finds them. Logs `domains ready` once every job consumes, then every second a
 * line `stats <json>` with each job's counters by `<domain>/<product>`; SIGTERM closes them cleanly.
 */
import { join } from 'node:path';
import { discoverDomains, REPO_ROOT, type RunningDomain, startDomain } from '@fieldmesh/products';

const { domains: configs } = JSON.parse(process.argv[2]!) as { domains: Record<string, Record<string, unknown>> };
const declared = await discoverDomains([join(REPO_ROOT, 'domains')]);
const running: RunningDomain[] = [];
for (const [name, config] of Object.entries(configs)) {
  const domain = declared.find((candidate) => candidate.name === name);
  if (!domain) throw new Error(`no domain ${name} under domains/; found ${declared.map((candidate) => candidate.name).join(', ')}`);
  running.push((await startDomain(domain, config)) as RunningDomain);
}
console.log('domains ready');
const stats = () =>
  Object.fromEntries(
    running.flatMap((domain) =>
      Object.entries(domain.stats()).map(([product, { job, pipeline }]) => [
        `${domain.name}/${product}`,
        { recordsIn: job.recordsIn, recordsOut: job.recordsOut, replays: job.replays, pipeline: numbersOf(pipeline) },
      ]),
    ),
  );
/** The pipeline's top-level counts (late readings, windows…), to tell where records went. */
function numbersOf(stats: object): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}
const timer = setInterval(() => console.log(`stats ${JSON.stringify(stats())}`), 1_000);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void (async () => {
    for (const domain of running) await domain.close();
    process.exit(0);
  })();
});
