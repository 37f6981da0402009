import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { asyncApiFor, loadAllContracts } from '@fieldmesh/governance';
import { stringify } from 'yaml';
import { UsageError, type CliCommand } from '../cli.command';
import { brokersOf, registryOf, rootOf } from '../connection.options';

export const contractsAsyncapiCommand: CliCommand = {
  group: 'contracts',
  verb: 'asyncapi',
  summary: 'write the AsyncAPI 3.0 document of every data product (channels, Avro messages, owners, Kafka bindings)',
  help: `Usage: fieldmesh contracts asyncapi [--out <file>] [--format yaml|json] [--title <text>] [--root <dir>]
                                  [--brokers <host:port,...>] [--registry <url>]

Generates an AsyncAPI 3.0.0 document from the contracts for downstream services: one channel per
product topic with its Kafka bindings (partitions, replicas, retention, key) and owner, one message per
product with its Avro schema (application/vnd.apache.avro+json;version=1.9.0) in the Confluent wire
format, and the broker and schema registry addresses consumers connect to.

Example:
  fieldmesh contracts asyncapi --out docs/asyncapi.yaml --brokers kafka:9092 --registry http://registry:8081

Options:
  --out <file>        write to a file (default: print)
  --format <f>        yaml or json (default: from --out's extension, else yaml)
  --title <text>      the document title (default: Fieldmesh data products)
  --root <dir>        where contracts/ and schemas/ are (default: the current directory)
  --brokers <list>    Kafka bootstrap brokers named in the document (default: env FIELDMESH_KAFKA_BROKERS)
  --registry <url>    schema registry URL named in the document (default: env FIELDMESH_REGISTRY_URL)
  -h, --help          this text

Needs no running service.`,
  options: { out: { type: 'string' }, format: { type: 'string' }, title: { type: 'string' }, root: { type: 'string' }, brokers: { type: 'string' }, registry: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const out = typeof args.values.out === 'string' ? resolve(io.cwd, args.values.out) : undefined;
    const format = typeof args.values.format === 'string' ? args.values.format : out && extname(out) === '.json' ? 'json' : 'yaml';
    if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format must be yaml or json, got '${format}'`);
    const contracts = await loadAllContracts(rootOf(args, io));
    const document = asyncApiFor(contracts, {
      kafkaBrokers: brokersOf(args, io).join(','),
      registryUrl: registryOf(args, io),
      ...(typeof args.values.title === 'string' ? { title: args.values.title } : {}),
    });
    const text = format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0 });
    if (!out) {
      io.out(text.trimEnd());
      return 0;
    }
    writeFileSync(out, text);
    io.err(`Wrote the AsyncAPI document of ${contracts.length} data product(s) to ${out}.`);
    return 0;
  },
};
