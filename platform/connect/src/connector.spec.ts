import type { z } from 'zod';
import type { Source } from './source';

/** What the runtime hands a connector when it creates one. */
export interface ConnectorContext {
  /** Identifies this connector instance in logs, metrics and lineage. */
  instanceName: string;
  /** A directory the connector may keep state in (sessions, certificates). */
  stateDir: string;
}

export interface MetadataKey {
  key: string;
  description: string;
}

/**
 * One declaration per connector: docs, `--help`, the JSON Schema for editors and the console are all
 * generated from it (as Redpanda Connect's config specs and Kafka's ConfigDef).
 */
export interface SourceConnectorSpec<Schema extends z.ZodType = z.ZodType> {
  name: string;
  kind: 'source';
  status: 'stable' | 'beta' | 'experimental';
  summary: string;
  /** Every field carries `.describe()` text and an example in `.meta({ examples })`. */
  config: Schema;
  /** What it reads (e.g. 'mqtt topics', 'opc ua nodes'), for lineage and docs. */
  inputs: string[];
  metadata: MetadataKey[];
  create(config: z.output<Schema>, context: ConnectorContext): Source;
}
