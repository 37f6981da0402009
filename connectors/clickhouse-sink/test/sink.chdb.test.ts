import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analystScenarios } from './shared/analyst.scenarios';
import { sinkScenarios } from './shared/sink.scenarios';

// One chDB data path per process: every scenario of this file shares it, each in its own database.
const chdbPath = mkdtempSync(join(tmpdir(), 'fieldmesh-sink-chdb-'));

sinkScenarios({ name: 'chdb', clickhouse: (database) => ({ chdbPath, database }) });

analystScenarios('chDB', (database) => ({ chdbPath, database }));
