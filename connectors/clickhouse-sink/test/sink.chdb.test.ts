import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { analystScenarios } from './shared/analyst.scenarios';
import { enumWideningScenario } from './shared/enum-widening.scenario';
import { rebalanceScenarios } from './shared/rebalance.scenario';
import { sinkScenarios } from './shared/sink.scenarios';

// One chDB data path per process: every scenario of this file shares it, each in its own database.
const chdbPath = mkdtempSync(join(tmpdir(), 'fieldmesh-sink-chdb-'));
afterAll(() => rmSync(chdbPath, { recursive: true, force: true }));

sinkScenarios({ name: 'chdb', clickhouse: (database) => ({ chdbPath, database }) });

// Both instances in this process share the data path, as chDB allows within one process.
rebalanceScenarios({ name: 'chdb', clickhouse: (database) => ({ chdbPath, database }) });

analystScenarios('chDB', (database) => ({ chdbPath, database }));

enumWideningScenario('chDB', (database) => ({ chdbPath, database }));
