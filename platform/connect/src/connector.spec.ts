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

export type ConnectorStatus = 'stable' | 'beta' | 'experimental';

/** What every connector declares, source or sink. */
interface ConnectorSpecBase<Schema extends z.ZodType> {
  /** The `type` a config names it by, and the name of its page under docs/components/. */
  name: string;
  status: ConnectorStatus;
  summary: string;
  /** Every field carries `.describe()` text and an example in `.meta({ examples })`. */
  config: Schema;
  /** What it reads (e.g. 'mqtt topics', 'opc ua nodes'), for lineage and docs. */
  inputs: string[];
  /** Keys it adds to what it passes on (reading attributes, table columns). */
  metadata: MetadataKey[];
}

/**
 * One declaration per connector: docs/components/<name>.md, the gateway's `--help` and the JSON Schema of
 * gateway.yaml are generated from it (`npm run docs:generate`), as Redpanda Connect renders its config
 * specs and Kafka its ConfigDef.
 */
export interface SourceConnectorSpec<Schema extends z.ZodType = z.ZodType> extends ConnectorSpecBase<Schema> {
  kind: 'source';
  create(config: z.output<Schema>, context: ConnectorContext): Source;
  /** Whether this config makes the source deliver events (SourceBatch.events): the gateway then publishes the events product. */
  emitsEvents?(config: z.output<Schema>): boolean;
}

/**
 * A sink's declaration. A sink is its own service (it consumes Kafka and owns its commits), so `create`
 * starts it from its raw config, which it validates itself, and resolves with a handle to stop it.
 */
export interface SinkConnectorSpec<Schema extends z.ZodType = z.ZodType, Dependencies = never, Handle = unknown> extends ConnectorSpecBase<Schema> {
  kind: 'sink';
  /** What it writes (tables, topics), for lineage and docs. */
  outputs: string[];
  create(config: z.input<Schema>, dependencies?: Dependencies): Promise<Handle>;
}

export type ConnectorSpec = SourceConnectorSpec | SinkConnectorSpec;
