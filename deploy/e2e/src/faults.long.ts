/**
 * The faults suite at full length: `npm run test:long:faults [-- --plant-seconds 900 --gateway-kills 5
 * --sink-kills 50 --service-rounds 2]`. Runs on the stack of `npm run stack -- up` when one runs (its
 * services are killed and restarted), otherwise on a stack of its own. Prints the figures; exit 1 when
 * a reading was lost or duplicated, order broke or the gateway crashed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_STACK_DIR, runningStack, startStack, type Stack } from '@fieldmesh/stack';
import { runFaultsEndToEnd, type FaultsRunReport } from './faults.scenario';
import { useStackClients } from './stack-clients.env';

const { values } = parseArgs({
  options: {
    'plant-seconds': { type: 'string', default: '600' },
    'service-rounds': { type: 'string', default: '2' },
    'gateway-kills': { type: 'string', default: '5' },
    'sink-kills': { type: 'string', default: '50' },
    rate: { type: 'string', default: '2' },
  },
});

const say = (line: string) => console.log(`[faults] ${line}`);

function failures(report: FaultsRunReport): string[] {
  const { kafka, warehouse } = report.reconciliation;
  const found: Array<[number, string]> = [
    [kafka.lostReadings, 'readings published but not in Kafka'],
    [kafka.unexpectedReadings, 'readings in Kafka the plant did not publish'],
    [kafka.unidentifiableDuplicates.length, 'copies in Kafka without the first copy’s (gateway, sequence)'],
    [kafka.orderViolations.length, 'sources out of order in Kafka'],
    [warehouse.missingRows, 'Kafka records with no ClickHouse row'],
    [warehouse.duplicateRows, 'extra ClickHouse rows for one Kafka record'],
    [warehouse.strayRows, 'ClickHouse rows of no Kafka record'],
    [warehouse.lostReadings, 'published readings with no ClickHouse row'],
    [warehouse.duplicateReadingRows, 'extra ClickHouse rows for one published reading'],
    [report.faults.gatewayCrashes.length, 'gateway crashes'],
    [report.drainMs === null ? 1 : 0, 'pipeline did not drain in time'],
  ];
  return found.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
}

function figures(report: FaultsRunReport, seconds: number): string {
  const { kafka, warehouse, published } = report.reconciliation;
  return [
    `plant: ${report.plantSeconds} s, ${published} readings published and acknowledged by Mosquitto (${report.published['mqtt-json']} MQTT JSON, ${report.published.sparkplug} Sparkplug metrics)`,
    `faults: kill -9 ${Object.entries(report.faults.serviceKills)
      .map(([name, n]) => `${name} ×${n}`)
      .join(', ')}, gateway ×${report.faults.gatewayKills}, sink ×${report.faults.sinkKills}`,
    `  gateway crashes: ${report.faults.gatewayCrashes.length}; sink exits on its own (restarted): ${report.faults.sinkCrashes.length}; collateral: ${report.faults.collateral.join('; ') || 'none'}`,
    `kafka ${report.topic}: ${kafka.records} records, lost ${kafka.lostReadings}, resent copies ${kafka.resentCopies}, unidentifiable copies ${kafka.unidentifiableDuplicates.length}, order violations ${kafka.orderViolations.length}`,
    `clickhouse ${report.table}: ${warehouse.rows} rows; per Kafka record: missing ${warehouse.missingRows}, duplicate ${warehouse.duplicateRows}, stray ${warehouse.strayRows}; per reading: lost ${warehouse.lostReadings}, duplicate rows ${warehouse.duplicateReadingRows}`,
    `drain after the last fault and the plant's end: ${report.drainMs === null ? 'not complete' : `${(report.drainMs / 1000).toFixed(1)} s`}; whole run ${seconds.toFixed(0)} s`,
    `logs: ${report.gatewayLog}, ${report.sinkLog}`,
  ].join('\n');
}

const started = Date.now();
const shared = runningStack(LOCAL_STACK_DIR);
let stack: Stack;
let stackDir: string | undefined;
if (shared) {
  say(`using the running stack in ${LOCAL_STACK_DIR}: its services are killed and restarted`);
  stack = shared;
} else {
  stackDir = await mkdtemp(join(tmpdir(), 'fm-faults-stack-'));
  say(`no running stack: starting one in ${stackDir}`);
  stack = await startStack({ dir: stackDir, lifetime: 'session', log: say });
}
useStackClients(stack);
try {
  const report = await runFaultsEndToEnd({
    stack,
    workDir: await mkdtemp(join(tmpdir(), 'fm-faults-')),
    plantSeconds: Number(values['plant-seconds']),
    rate: Number(values.rate),
    serviceRounds: Number(values['service-rounds']),
    gatewayKills: Number(values['gateway-kills']),
    sinkKills: Number(values['sink-kills']),
    drainTimeoutMs: 600_000,
    log: say,
  });
  console.log(figures(report, (Date.now() - started) / 1000));
  const problems = failures(report);
  for (const problem of problems) console.log(`FAIL: ${problem}`);
  for (const line of [...report.reconciliation.kafka.orderViolations, ...report.reconciliation.kafka.unidentifiableDuplicates, ...report.faults.gatewayCrashes].slice(0, 20))
    console.log(`  ${line}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
} finally {
  if (stackDir) {
    await stack.stop();
    await rm(stackDir, { recursive: true, force: true });
  }
}
