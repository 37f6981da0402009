import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_STACKS_DIR, startStack } from '@fieldmesh/stack';
import { formatReport, runBrokerKills } from './broker-kills.scenario';

// `npm run test:long:broker-kills [-- --records N --kills K]`: the full broker-kill run (1,000,000 records,
// 20 kills by default) on a 3-broker stack of its own; exit code 1 if an acknowledged record is missing,
// duplicated or out of key order.
const { values } = parseArgs({ options: { records: { type: 'string', default: '1000000' }, kills: { type: 'string', default: '20' } } });
const records = Number(values.records);
const kills = Number(values.kills);
if (!Number.isInteger(records) || records < 1 || !Number.isInteger(kills) || kills < 0) {
  console.error(`--records must be a positive whole number and --kills a whole number (got ${values.records}, ${values.kills})`);
  process.exit(2);
}

const started = Date.now();
const stack = await startStack({
  dir: join(TEST_STACKS_DIR, `broker-kills-long-${process.pid}`),
  services: ['kafka'],
  kafka: { brokers: 3 },
  log: (line) => console.log(`[stack] ${line}`),
});
let failed = true;
try {
  const report = await runBrokerKills({ stack, records, kills, log: (line) => console.log(`[broker-kills] ${line}`) });
  console.log(formatReport(report));
  failed = report.missing + report.duplicates + report.outOfOrder + report.foreign > 0 || report.kills.length !== kills;
  console.log(`${failed ? 'FAIL' : 'OK'}: ${records} records, ${report.kills.length} kills, in ${((Date.now() - started) / 1000).toFixed(0)} s with the stack's start`);
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
