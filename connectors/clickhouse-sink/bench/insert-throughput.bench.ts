/**
 * Rows per second the sink inserts, per backend: RowBinary encode + one INSERT per batch, the sink's own
 * hot path (Kafka and decoding excluded; the Kafka client has its own bench). Starts a ClickHouse 18.16
 * server from platform/testing for the server figure, and chDB in a temporary folder.
 *
 *   npx tsx connectors/clickhouse-sink/bench/insert-throughput.bench.ts [rows=200000] [batch=10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract } from '@fieldmesh/governance';
import { REPO_ROOT, startStack } from '@fieldmesh/stack';
import { planTable, provisionTable, RowBinaryEncoder } from '@fieldmesh/warehouse';
import { openWarehouse, type ClickhouseSettings } from '../src/index';

const total = Number(process.argv[2] ?? 200_000);
const batch = Number(process.argv[3] ?? 10_000);
const contract = loadContract(join(REPO_ROOT, 'contracts/plant-telemetry/raw.yaml'), REPO_ROOT);
const start = Date.UTC(2026, 10, 21);
const reading = (i: number) => ({
  readingTime: new Date(start + i * 10),
  receivedTime: new Date(start + i * 10 + 5),
  gatewayId: 'gw-bench',
  sequenceNumber: BigInt(i),
  deviceId: `plc-${i % 8}`,
  assetPath: `acme/berlin/press-shop/line-${i % 4}/press-${i % 16}`,
  signal: ['bearing_temperature', 'vibration_rms', 'motor_current', 'power'][i % 4]!,
  value: 20 + (i % 100) / 10,
  valueText: null,
  unit: 'Cel',
  quality: 'GOOD',
  qualityCode: null,
  sourceProtocol: 'SPARKPLUG_B',
  sourceAddress: 'spBv1.0/acme/DDATA/berlin/press-1',
  isHistorical: false,
  operatorBadge: null,
  attributes: { alias: String(i % 64) },
});
const rows = Array.from({ length: batch }, (_, i) => reading(i));

async function measure(name: string, settings: ClickhouseSettings): Promise<void> {
  const warehouse = await openWarehouse(settings);
  try {
    const plan = planTable(contract, warehouse.capabilities, { database: settings.database });
    await provisionTable(warehouse.client, plan);
    const encoder = new RowBinaryEncoder(plan.columns);
    let encodeMs = 0;
    const began = performance.now();
    for (let offset = 0; offset < total; offset += batch) {
      const t = performance.now();
      rows.forEach((row, i) => encoder.append(row, { topic: plan.topic, partition: 0, offset: String(offset + i) }));
      const bytes = encoder.take();
      encodeMs += performance.now() - t;
      await warehouse.insertRowBinary(plan, bytes);
    }
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `${name.padEnd(28)} ${Math.round(total / seconds)
        .toLocaleString('en')
        .padStart(10)} rows/s  (${total} rows in ${batch}-row inserts, ${seconds.toFixed(1)} s; RowBinary encoding ${Math.round((encodeMs / 1000 / seconds) * 100)}% of it)`,
    );
  } finally {
    await warehouse.close();
  }
}

console.log(`ClickHouse sink insert throughput, plant.telemetry.raw.v1 rows, ${cpus().length} cores`);
const chdbPath = mkdtempSync(join(tmpdir(), 'fieldmesh-bench-chdb-'));
const stack = await startStack({ dir: mkdtempSync(join(tmpdir(), 'fieldmesh-bench-stack-')), services: ['clickhouse'] });
try {
  const { clickhouseUrl, clickhouseUser, clickhousePassword } = stack.addresses;
  await measure(`chDB (embedded)`, { chdbPath, database: 'bench', username: 'default', password: '' });
  await measure(`server ${clickhouseUrl}`, { url: clickhouseUrl!, username: clickhouseUser!, password: clickhousePassword!, database: 'bench', chdbPath });
} finally {
  await stack.stop();
  rmSync(chdbPath, { recursive: true, force: true });
}
