import { formatLineageTree, LINEAGE_TOPIC, readLineageGraph } from '@fieldmesh/lineage';
import { UsageError, type CliCommand } from '../cli.command';
import { CONNECTION_HELP, CONNECTION_OPTIONS, kafkaOf } from '../connection.options';

export const lineageShowCommand: CliCommand = {
  group: 'lineage',
  verb: 'show',
  summary: 'the lineage of a data product or a column, upstream and/or downstream',
  help: `Usage: fieldmesh lineage show <dataset>[#<field>] [--upstream | --downstream] [--json] [options]

Reads the OpenLineage events the jobs published on ${LINEAGE_TOPIC} and prints the graph of a dataset or
one of its columns: upstream to the MQTT topics and OPC UA nodes the gateways read, downstream to the
ClickHouse tables and columns. Where a job declared how a field is derived (column lineage), the walk
follows columns; elsewhere it continues at dataset level.

<dataset> is a topic (asset-health.anomaly-scores.v1), a table (<database>.<table>), an MQTT topic or an
OPC UA node id; add #<field> for a column. When a name exists in several namespaces, give the full id
printed by an earlier walk, e.g. kafka://127.0.0.1:9092/plant.telemetry.raw.v1#value.

Options:
  --upstream          only what it derives from
  --downstream        only what derives from it
  --json              print the walks as JSON ({root, direction, nodes, edges})
  --topic <name>      the lineage topic (default ${LINEAGE_TOPIC})
  -h, --help          this text

${CONNECTION_HELP}`,
  options: { ...CONNECTION_OPTIONS, upstream: { type: 'boolean' }, downstream: { type: 'boolean' }, json: { type: 'boolean' }, topic: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const target = args.positionals[0]!;
    if (args.values.upstream && args.values.downstream) throw new UsageError('--upstream and --downstream exclude each other; give neither for both directions');
    const { kafka } = kafkaOf(args, io);
    const topic = typeof args.values.topic === 'string' ? args.values.topic : LINEAGE_TOPIC;
    io.err(`reading lineage from ${topic}…`);
    const graph = await readLineageGraph(kafka, { topic });
    io.err(
      `${graph.jobs.length} job(s), ${graph.datasets().length} dataset(s)${graph.skipped > 0 ? `, ${graph.skipped} event(s) that are not OpenLineage run events skipped` : ''}`,
    );
    const ref = graph.resolve(target);
    const walks = [...(args.values.downstream ? [] : [graph.upstream(ref)]), ...(args.values.upstream ? [] : [graph.downstream(ref)])];
    io.out(args.values.json ? JSON.stringify(walks, null, 2) : walks.map(formatLineageTree).join('\n\n'));
    return 0;
  },
};
