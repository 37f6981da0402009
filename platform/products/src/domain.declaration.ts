import type { LoadedContract, ProductOnTopic } from '@fieldmesh/governance';
import type { KafkaPort } from '@fieldmesh/kafka';
import type { ColumnLineageFacet, DatasetRef } from '@fieldmesh/lineage';
import type { AvroSerde } from '@fieldmesh/serde';
import type { ReplayableState, StreamHandler, StreamJobStats } from '@fieldmesh/streams';
import type { z } from 'zod';
import type { ContractCatalog } from './contract.catalog';
import type { DomainPlatformConfig } from './domain.config';
import type { ProductWiring } from './product.wiring';

/** What a product's job runs: the runtime hands it batches, commits only below its state, and reports its stats. */
export interface ProductPipeline<Stats extends object = object> {
  readonly handle: StreamHandler;
  /** States that hold records across batches (windows, deduplication memory): offsets are committed only below what they hold. */
  readonly state?: ReplayableState[];
  stats(): Stats;
}

/** The dotted paths of a stats object's numbers and of the objects holding them (`dedupeMemory`, `dedupeMemory.chunks`); lists are no stats. */
export type StatPath<T, Depth extends unknown[] = []> = keyof T extends never
  ? string
  : Depth['length'] extends 5
    ? never
    : {
        [K in keyof T & string]: T[K] extends number ? K : T[K] extends readonly unknown[] ? never : T[K] extends object ? K | `${K}.${StatPath<T[K], [...Depth, K]>}` : never;
      }[keyof T & string];

/**
 * How a pipeline's stats show in `/metrics` (see DomainMetrics). Every number is a count since the job
 * started, exported as a counter `fieldmesh_product_<path>_total`, unless it is named here. A path to an
 * object covers every number under it. Paths skip the keys of a labelled object (`operator.byModel.rows`).
 */
export interface StatsMetrics<Stats extends object = object> {
  /** Levels rather than counts (open windows, memory sizes): gauges `fieldmesh_product_<path>`. */
  gauges?: ReadonlyArray<StatPath<Stats>>;
  /** Instants in epoch milliseconds (a watermark): gauges `fieldmesh_product_<path>_timestamp_seconds`, absent until finite. */
  timestamps?: ReadonlyArray<StatPath<Stats>>;
  /** Objects keyed by a value (a model id, an asset class) rather than by stat names: their keys become values of this label. */
  labels?: { readonly [Path in StatPath<Stats>]?: string };
}

/** What every hook of a declaration gets. */
export interface DomainContext<Settings> {
  domain: string;
  /** The domain's config: the platform's fields (`config`) and the domain's own settings, parsed. */
  settings: Settings;
  config: DomainPlatformConfig;
  contracts: ContractCatalog;
  /** A product's topic by contract id: the config's override, else the contract's. */
  topicOf(contractId: string): string;
  /** A product's consumer group by product name. */
  groupOf(product: string): string;
  /** Work for when the domain closes, after its jobs stopped; run in reverse order of registration. */
  onClose(close: () => Promise<void> | void): void;
}

export interface ProductContext<Settings, Services> extends DomainContext<Settings> {
  services: Services;
  /** The product (the job's first output) on its topic. */
  output: ProductOnTopic;
  /** Every product the job writes, the product first. */
  outputs: ProductOnTopic[];
  /** The product the job reads: the upstream its contract names. */
  input: ProductOnTopic;
}

export interface StartContext<Settings, Services> extends DomainContext<Settings> {
  services: Services;
  kafka: KafkaPort;
  /** A serde that registers under the contract's compatibility level. */
  serdeFor(contract: LoadedContract): AvroSerde;
}

/**
 * One data product: its contract (topic, schema, retention, upstream: the job's input), the pipeline
 * that computes it, and how its fields derive from the input's. Provisioning, the job's consumer group,
 * lineage and stats follow from it (see startDomain).
 */
export interface DataProductDeclaration<Settings = never, Services = never, Stats extends object = object> {
  /** Contract id, e.g. energy.consumption-15m. The contract's one upstream topic is what the job reads. */
  contract: string;
  /** Contract ids of further products the same job writes (the anomaly operator writes scores and alerts). */
  alsoWrites?: string[];
  pipeline(context: ProductContext<Settings, Services>): ProductPipeline<Stats> | Promise<ProductPipeline<Stats>>;
  /** How each field of the product derives from the input's fields, reported as OpenLineage column lineage. */
  columns?(input: DatasetRef): ColumnLineageFacet;
  /** Which of the pipeline's stats are levels, instants or keyed by a label; by default each is a count (see StatsMetrics). */
  metrics?: StatsMetrics;
  /**
   * Whether several instances of the domain may share the job's input partitions (default true). False for
   * a job whose outputs need all of its input in one place (energy's line and site rollups add up every
   * asset of a line): among instances, only the one configured `singletonJobs: true` runs it, exactly once
   * across its restarts; the others leave it out.
   */
  scaleOut?: boolean;
}

export type AnyProducts = Record<string, DataProductDeclaration<never, never, object>>;

/**
 * A domain: its products (by name: job `<domain>-<name>`, consumer group `<domain>.<name>`), the settings
 * its config adds to the platform's, services its products share and, for a domain that offers more
 * than its topics, a `start` hook that returns its API.
 */
export interface DomainDeclaration<Schema extends z.ZodObject = z.ZodObject, Services = unknown, Products extends AnyProducts = AnyProducts, Api = unknown> {
  readonly [DOMAIN]: true;
  name: string;
  settings: Schema;
  /** A folder with contracts/ and schemas/ of the domain's own, besides the repository's (a test fixture's). */
  contractsRoot?: string;
  products: Products;
  /** Built once before the pipelines and shared by them; close what they hold with `onClose`. */
  services?(context: DomainContext<z.output<Schema>>): Services | Promise<Services>;
  /** Runs once the jobs exist, before they consume (e.g. folds a topic a pipeline depends on); returns the domain's API. */
  start?(context: StartContext<z.output<Schema>, Services>): Api | Promise<Api>;
}

/** Marks a declaration made with defineDomain, so discovery tells it from any other export. */
export const DOMAIN: unique symbol = Symbol.for('fieldmesh.domain') as never;

export type AnyDomain = DomainDeclaration<z.ZodObject, unknown, AnyProducts, unknown>;

/** Declares a data product; the paths its `metrics` name are checked against its pipeline's stats. */
export function defineDataProduct<Settings, Services = undefined, Stats extends object = object>(
  declaration: DataProductDeclaration<Settings, Services, Stats> & { metrics?: StatsMetrics<NoInfer<Stats>> },
): DataProductDeclaration<Settings, Services, Stats> {
  return declaration;
}

export function defineDomain<Schema extends z.ZodObject, Products extends AnyProducts, Services = undefined, Api = undefined>(
  declaration: Omit<DomainDeclaration<Schema, Services, Products, Api>, typeof DOMAIN>,
): DomainDeclaration<Schema, Services, Products, Api> {
  return { ...declaration, [DOMAIN]: true };
}

export function isDomainDeclaration(value: unknown): value is AnyDomain {
  return typeof value === 'object' && value !== null && (value as Partial<Record<typeof DOMAIN, unknown>>)[DOMAIN] === true;
}

/** One product's counters: its job's (records in and out, dead letters) and its pipeline's own. */
export interface ProductStats<Stats extends object = object> {
  job: StreamJobStats;
  pipeline: Stats;
}

type StatsOf<P> = P extends DataProductDeclaration<never, never, infer Stats> ? Stats : object;

/** A domain running in this process. */
export interface RunningDomain<Products extends AnyProducts = AnyProducts, Api = unknown> {
  readonly name: string;
  /** What runs: each product's job, group, input and outputs. */
  readonly jobs: ProductWiring[];
  readonly api: Api;
  stats(): { [K in keyof Products]: ProductStats<StatsOf<Products[K]>> };
  /** How each product's pipeline stats show in `/metrics`, by product name: its declaration's `metrics`. */
  readonly statsMetrics: { [K in keyof Products]: StatsMetrics };
  /** Finishes the batches in progress, commits them and leaves the groups, then closes what the domain registered. Idempotent. */
  close(): Promise<void>;
}

export type RunningDomainOf<D> = D extends DomainDeclaration<z.ZodObject, infer _Services, infer Products, infer Api> ? RunningDomain<Products, Api> : RunningDomain;
