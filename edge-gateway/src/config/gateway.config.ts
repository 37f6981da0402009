import { parseWith } from '@fieldmesh/config';
import { GATEWAY_COMMANDS_TOPIC, GATEWAY_REPLIES_TOPIC } from '@fieldmesh/connect';
import { kafkaSecuritySchema } from '@fieldmesh/kafka';
import { z } from 'zod';
import { connectorCatalog, connectorTypes } from '../connectors.catalog';
import { assetEntrySchema } from '../enrich/asset.model';
import { desiredStateConfigSchema } from '../fleet/desired-state.config';
import { calibrationRuleSchema } from '../enrich/calibration';
import { redeliveryConfigSchema } from '../ingest/redelivery.config';
import { gatewayLineageConfigSchema } from '../observe/gateway-lineage.config';

const size = z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*(B|KiB|MiB|GiB)$/, 'must be a byte count or a size such as 256MiB')]).transform((value) => {
  if (typeof value === 'number') return value;
  const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)$/.exec(value)!;
  return Math.floor(Number(amount) * { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[unit as 'B']);
});

/**
 * One configured source. Its `config` is checked against the named connector's own schema here, so that
 * loading gateway.yaml reports every problem at once with its full path (`connectors.0.config.url`);
 * the value stays as written, and the gateway parses it again with that schema when it creates the source.
 */
export const connectorEntrySchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes')
      .describe('Names this connector in logs, metrics, lineage and its state folder')
      .meta({ examples: ['plant-mqtt'] }),
    type: z.enum(connectorTypes).describe('Which source connector; `fieldmesh-gateway connectors` lists them'),
    config: z.record(z.string(), z.unknown()).describe("The connector's own configuration (docs/components/<type>.md)"),
  })
  .superRefine((entry, context) => {
    const result = parseWith(connectorCatalog[entry.type].config, entry.config);
    if (result.ok) return;
    for (const problem of result.problems) {
      context.addIssue({ code: 'custom', path: ['config', ...(problem.path === '(root)' ? [] : problem.path.split('.'))], message: problem.message });
    }
  });

export const gatewayConfigSchema = z
  .strictObject({
    gatewayId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes')
      .describe('Identifies this gateway in records, sequence numbers and lineage')
      .meta({ examples: ['gw-berlin-1'] }),
    stateDir: z
      .string()
      .min(1)
      .describe('Where the gateway keeps its buffer, keys and sessions')
      .meta({ examples: ['/var/lib/fieldmesh/gw-berlin-1'] }),
    contract: z
      .string()
      .endsWith('.yaml')
      .default('contracts/plant-telemetry/raw.yaml')
      .describe('The data contract of the readings the gateway publishes: every reading is checked against it, whichever kafka.contract says'),
    batchContract: z
      .string()
      .endsWith('.yaml')
      .default('contracts/plant-telemetry/raw-v2.yaml')
      .describe("The data contract of the batched readings product, published when kafka.contract is 'raw.v2'"),
    eventsContract: z
      .string()
      .endsWith('.yaml')
      .default('contracts/plant-telemetry/events.yaml')
      .describe('The data contract of the events product, published when a connector delivers events (OPC UA events)'),
    kafka: z.strictObject({
      brokers: z
        .array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port'))
        .min(1)
        .describe('Bootstrap brokers')
        .meta({ examples: [['127.0.0.1:9092']] }),
      client: z.enum(['kafkajs', 'platformatic']).optional().describe('Kafka client adapter; the faster one by default'),
      contract: z
        .enum(['raw.v1', 'raw.v2'])
        .default('raw.v1')
        .describe(
          "Which raw product the gateway publishes: 'raw.v1' one record per reading (the `contract` file), 'raw.v2' one record per source message and device (the `batchContract` file), each reading still checked against `contract`",
        ),
      security: kafkaSecuritySchema.optional().describe("SASL_SSL as the site's gateway principal (fieldmesh-gateway-<site>); the FIELDMESH_KAFKA_* environment when absent"),
    }),
    registryUrl: z
      .url()
      .describe('Confluent-compatible schema registry')
      .meta({ examples: ['http://127.0.0.1:8081'] }),
    connectors: z.array(connectorEntrySchema).min(1, 'configure at least one connector').describe('The source connectors the gateway reads from'),
    calibration: z.array(calibrationRuleSchema).default([]),
    assets: z
      .array(assetEntrySchema)
      .default([])
      .superRefine((entries, context) => {
        const seen = new Set<string>();
        entries.forEach((entry, index) => {
          if (seen.has(entry.assetPath)) context.addIssue({ code: 'custom', path: [index, 'assetPath'], message: `${entry.assetPath} is listed twice` });
          seen.add(entry.assetPath);
        });
      })
      .describe("The site's asset model: each listed asset's readings carry its class as the attribute asset.class"),
    buffer: z
      .strictObject({
        maxBytes: size.default(256 * 1024 ** 2).describe('Disk buffer limit'),
        segmentBytes: size.default(16 * 1024 ** 2).describe('Size of one buffer segment file'),
        fsync: z.enum(['always', 'interval', 'never']).default('always').describe("'always' loses nothing a source was acknowledged for, even on power loss"),
        fsyncIntervalMs: z.number().int().positive().default(1000),
        onFull: z.enum(['block', 'drop-oldest']).default('block').describe("'block' stops acknowledging sources (they keep data, e.g. MQTT QoS 1); 'drop-oldest' drops and counts"),
      })
      .refine((b) => b.segmentBytes * 2 <= b.maxBytes, { message: 'segmentBytes must be at most half of maxBytes', path: ['segmentBytes'] })
      .default({ maxBytes: 256 * 1024 ** 2, segmentBytes: 16 * 1024 ** 2, fsync: 'always', fsyncIntervalMs: 1000, onFull: 'block' }),
    commands: z
      .strictObject({
        topic: z.string().min(1).default(GATEWAY_COMMANDS_TOPIC).describe("Kafka topic of operators' commands, keyed by gateway id"),
        maxAgeMs: z
          .number()
          .int()
          .positive()
          .default(15 * 60_000)
          .describe('A command older than this is not carried out (the situation the operator decided on has moved on)'),
        repliesTopic: z.string().min(1).default(GATEWAY_REPLIES_TOPIC).describe('Kafka topic the gateway answers commands and sends heartbeats on, keyed by gateway id'),
        heartbeatSeconds: z.number().int().min(1).max(3600).default(30).describe("How often the gateway sends its state (the console's fleet page)"),
      })
      .optional()
      .describe(
        "Carry out operators' commands from the console (acknowledge an OPC UA alarm condition; diagnostics: health, metrics, log tail, redacted config, buffer, connector reconnect), answer them and send heartbeats; off when absent",
      )
      .meta({ examples: [{ topic: GATEWAY_COMMANDS_TOPIC, maxAgeMs: 900_000, repliesTopic: GATEWAY_REPLIES_TOPIC, heartbeatSeconds: 30 }] }),
    desiredState: desiredStateConfigSchema,
    redelivery: redeliveryConfigSchema.describe('Dropping readings a source delivers again (MQTT QoS 1 redelivery, a broker restored from its last save)'),
    forward: z.strictObject({ batchRecords: z.number().int().positive().default(2000) }).default({ batchRecords: 2000 }),
    lineage: gatewayLineageConfigSchema,
    observability: z
      .strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(9464).describe('/metrics and /health; 0 picks a free port') })
      .default({ host: '127.0.0.1', port: 9464 }),
  })
  .superRefine((config, context) => {
    // The desired state's outcome travels in the heartbeats on the replies topic, which `commands` turns on.
    if (config.desiredState && !config.commands)
      context.addIssue({ code: 'custom', path: ['commands'], message: "is required with desiredState: the heartbeats carry each version's outcome" });
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
