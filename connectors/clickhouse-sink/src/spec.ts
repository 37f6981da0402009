import type { SinkConnectorSpec } from '@fieldmesh/connect';
import { clickhouseSinkConfigSchema } from './config';
import { type ClickhouseSinkDependencies, type ClickhouseSinkHandle, startClickhouseSink } from './sink';

/** The sink's declaration: docs/components/clickhouse.md is generated from it and its described config fields. */
export const clickhouseSinkSpec = {
  name: 'clickhouse',
  kind: 'sink',
  status: 'beta',
  summary:
    'Writes every data product topic into its ClickHouse table (DDL from the contract), in RowBinary batches bounded by rows and time, ' +
    'exactly once across crashes, lost insert answers and rebalances: rows carry their Kafka partition and offset, and before each insert the records already in the table are skipped. ' +
    'chDB (embedded) by default; a server when clickhouse.url is set.',
  config: clickhouseSinkConfigSchema,
  inputs: ['kafka topics of data products (Avro, Confluent wire format)'],
  outputs: [
    'clickhouse tables <database>.<topic with _ for . and ->',
    'clickhouse table <database>._fieldmesh_sink_offsets (the highest offset per partition about to be written)',
  ],
  metadata: [
    { key: '_topic', description: 'Column: Kafka topic the row was read from.' },
    { key: '_partition', description: 'Column: Kafka partition of the record.' },
    { key: '_offset', description: 'Column: Kafka offset of the record; (_partition, _offset) is unique per table.' },
  ],
  create: startClickhouseSink,
} satisfies SinkConnectorSpec<typeof clickhouseSinkConfigSchema, ClickhouseSinkDependencies, ClickhouseSinkHandle>;
