import type { LoadedContract } from '../contract.loader';
import type { AsyncApiOptions } from './asyncapi.document';

type AvroNode = unknown;
const isObject = (node: unknown): node is Record<string, unknown> => node !== null && typeof node === 'object' && !Array.isArray(node);
const NUMBERS = new Set(['int', 'long', 'float', 'double']);

/**
 * The TypeScript type a value decodes to with @kafkajs/confluent-schema-registry (avsc without logical
 * type hooks: a timestamp-millis long is a number, bytes a Buffer). Named types defined earlier are
 * remembered so a later reference by name gets the same shape.
 */
function tsType(node: AvroNode, named: Map<string, string>, indent: string): string {
  if (typeof node === 'string') {
    if (node === 'null') return 'null';
    if (node === 'boolean') return 'boolean';
    if (NUMBERS.has(node)) return 'number';
    if (node === 'string') return 'string';
    if (node === 'bytes') return 'Buffer';
    return named.get(node) ?? named.get(node.slice(node.lastIndexOf('.') + 1)) ?? 'unknown';
  }
  if (Array.isArray(node)) return node.map((member) => tsType(member, named, indent)).join(' | ');
  if (!isObject(node)) return 'unknown';
  let type: string;
  switch (node.type) {
    case 'record':
    case 'error': {
      const fields = Array.isArray(node.fields) ? node.fields.filter(isObject) : [];
      const inner = `${indent}  `;
      type = `{\n${fields.map((field) => `${inner}${String(field.name)}: ${tsType(field.type, named, inner)};`).join('\n')}\n${indent}}`;
      break;
    }
    case 'enum':
      type = (Array.isArray(node.symbols) ? node.symbols : []).map((symbol) => `'${String(symbol)}'`).join(' | ');
      break;
    case 'array': {
      const items = tsType(node.items, named, indent);
      type = /^[\w.]+$/.test(items) ? `${items}[]` : `Array<${items}>`;
      break;
    }
    case 'map':
      type = `Record<string, ${tsType(node.values, named, indent)}>`;
      break;
    case 'fixed':
      type = 'Buffer';
      break;
    default:
      return tsType(node.type, named, indent);
  }
  if (typeof node.name === 'string') {
    named.set(node.name, type);
    named.set(node.name.slice(node.name.lastIndexOf('.') + 1), type);
  }
  return type;
}

/** The record's interface, each field documented with its contract description and unit. */
function interfaceFor({ contract, avroSchema }: LoadedContract): string {
  const named = new Map<string, string>();
  const lines = avroSchema.fields.map((field) => {
    const semantics = contract.fields[field.name];
    const doc = semantics
      ? `${semantics.description}${semantics.unit ? ` [${semantics.unit}]` : ''}${semantics.classification === 'personal' ? ` (personal, ${semantics.masking})` : ''}`
      : '';
    return `${doc ? `  /** ${doc.replaceAll('*/', '* /')} */\n` : ''}  ${field.name}: ${tsType(field.type, named, '  ')};`;
  });
  return `interface ${avroSchema.name} {\n${lines.join('\n')}\n}`;
}

/**
 * A copy-paste TypeScript consumer of one product with kafkajs and @kafkajs/confluent-schema-registry:
 * connects to the given brokers and registry, decodes each Confluent-framed Avro value into a typed record.
 */
export function consumerExampleFor(loaded: LoadedContract, options: AsyncApiOptions): string {
  const { contract, avroSchema } = loaded;
  const brokers = options.kafkaBrokers
    .split(',')
    .map((broker) => `'${broker.trim()}'`)
    .join(', ');
  return `// Consumer of ${contract.kafka.topic}: ${contract.id} ${contract.version}, owned by ${contract.owner.team} <${contract.owner.contact}>.
// ${contract.description.purpose}
// npm install kafkajs @kafkajs/confluent-schema-registry @platformatic/wasm-utils
// The brokers take SASL_SSL only: your service's principal (SCRAM-SHA-512) and the CA that signed them.
// KAFKA_SASL_USERNAME=... KAFKA_SASL_PASSWORD=... KAFKA_SSL_CA_FILE=ca.pem npx tsx consumer.ts
import { readFileSync } from 'node:fs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';
import kafkajs from 'kafkajs';

${interfaceFor(loaded)}

const { CompressionCodecs, CompressionTypes, Kafka } = kafkajs;
// Fieldmesh's producers compress with LZ4, which kafkajs leaves to a codec (this one is WebAssembly, no native build).
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => lz4Compress(encoder.buffer),
  decompress: async (buffer: Buffer) => lz4Decompress(buffer),
});
const registry = new SchemaRegistry({ host: '${options.registryUrl}' });
const env = (name: string) => process.env[name] ?? (console.error(\`set \${name}\`), process.exit(2));
const kafka = new Kafka({
  clientId: 'my-service',
  brokers: [${brokers}],
  ssl: { ca: [readFileSync(env('KAFKA_SSL_CA_FILE'), 'utf8')] },
  sasl: { mechanism: 'scram-sha-512', username: env('KAFKA_SASL_USERNAME'), password: env('KAFKA_SASL_PASSWORD') },
});
// One group per consuming service: each group gets every record once; partitions are shared among its members.
const consumer = kafka.consumer({ groupId: 'my-service.${contract.dataProduct}' });

await consumer.connect();
await consumer.subscribe({ topics: ['${contract.kafka.topic}'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message, partition }) => {
    if (!message.value) return;
    // The value carries its schema id (Confluent wire format); decode() fetches that schema once and caches it.
    const record = (await registry.decode(message.value)) as ${avroSchema.name};
    const ${safeIdentifier(contract.kafka.key)} = message.key?.toString();
    console.log(partition, message.offset, ${safeIdentifier(contract.kafka.key)}, record);
  },
});

process.on('SIGINT', () => void consumer.disconnect().then(() => process.exit(0)));
`;
}

/** The key field's name as a variable, unless it collides with a name the example already uses. */
function safeIdentifier(name: string): string {
  return ['message', 'partition', 'record', 'registry', 'kafka', 'consumer'].includes(name) ? `${name}Key` : name;
}
