import { type AsyncApiDocument, type AsyncApiOptions, asyncApiFor, consumerExampleFor, type LoadedContract } from '@fieldmesh/governance';
import { avroTypeName } from '@fieldmesh/lineage';
import { ContractCatalog } from '@fieldmesh/products';
import { qualifiedTableName, quoteIdentifier } from '@fieldmesh/warehouse';
import type { FieldView, Page, ProductDetail, ProductSummary, SampleQueryResult } from '../../api/types';
import { ResourceNotFound, UpstreamFailed } from '../errors';
import { matchesSearch, paginate, type PageRequest } from '../http/pagination';
import type { RegistryGateway } from '../reviews/registry.gateway';
import { productState, type SloBoard } from '../slo/slo.board';
import type { WarehouseAccess } from '../warehouse.access';
import { siteOfScope } from './site.filter';
import type { ThroughputSampler } from './throughput.sampler';

const CONTRACTS_TTL_MS = 10_000;
const SAMPLE_ROWS = 20;

type AvroFieldSchema = { name: string; type: Parameters<typeof avroTypeName>[0]; doc?: string };

function isNullable(type: unknown): boolean {
  return Array.isArray(type) && type.includes('null');
}

/**
 * The catalog: every contract of the domains, the repository's and those a domain keeps in a folder of its
 * own (re-read at most every 10 s, so an edited contract shows without a restart), with live facts from the
 * SLO board, the registry, the throughput sampler and ClickHouse.
 */
export class CatalogService {
  private cache: { atMs: number; contracts: Promise<LoadedContract[]> } | undefined;

  constructor(
    /** See contractRootsOf (@fieldmesh/products): the folders the pipeline reads its products' contracts from. */
    private readonly contractRoots: readonly string[],
    private readonly slo: SloBoard,
    private readonly registry: RegistryGateway,
    readonly throughput: ThroughputSampler,
    private readonly warehouse: WarehouseAccess | undefined,
    private readonly asyncApiOptions: AsyncApiOptions,
  ) {}

  async asyncApi(): Promise<AsyncApiDocument> {
    return asyncApiFor(await this.contracts(), this.asyncApiOptions);
  }

  async consumerExample(id: string): Promise<string> {
    return consumerExampleFor(await this.contract(id), this.asyncApiOptions);
  }

  contracts(): Promise<LoadedContract[]> {
    if (!this.cache || Date.now() - this.cache.atMs > CONTRACTS_TTL_MS) {
      const contracts = ContractCatalog.load([...this.contractRoots]).then((catalog) => catalog.all().sort((a, b) => a.contract.id.localeCompare(b.contract.id)));
      contracts.catch(() => (this.cache = undefined));
      this.cache = { atMs: Date.now(), contracts };
    }
    return this.cache.contracts;
  }

  async contract(id: string): Promise<LoadedContract> {
    const loaded = (await this.contracts()).find((c) => c.contract.id === id);
    if (!loaded) throw new ResourceNotFound('data product', id, 'Product ids are contract ids such as asset-health.anomaly-scores; list them with GET /api/catalog.');
    return loaded;
  }

  /**
   * `site` keeps the products whose SLO scopes include that site (those keyed by asset or line path that carry
   * its readings), each with its SLO state at that site only.
   */
  async list(request: PageRequest, filter: { domain?: string; site?: string }): Promise<Page<ProductSummary>> {
    const matching = (await this.contracts()).filter(
      ({ contract: c }) =>
        (!filter.domain || c.domain === filter.domain) &&
        (!filter.site || this.siteStatus(c.id, filter.site).length > 0) &&
        matchesSearch(request.terms, [c.id, c.dataProduct, c.domain, c.kafka.topic, c.description.purpose, c.owner.team, c.owner.contact, ...Object.keys(c.fields)]),
    );
    return paginate(
      matching.map((loaded) => this.summary(loaded, filter.site)),
      request,
    );
  }

  /** Sites the products' SLO scopes name, with how many products carry each one's readings, for the site filter. */
  async sites(): Promise<{ site: string; products: number }[]> {
    const products = new Map<string, Set<string>>();
    const known = new Set((await this.contracts()).map(({ contract }) => contract.id));
    for (const status of this.slo.status()) {
      const site = siteOfScope(status.scope);
      if (site && known.has(status.product)) (products.get(site) ?? products.set(site, new Set()).get(site)!).add(status.product);
    }
    return [...products].map(([site, ids]) => ({ site, products: ids.size })).sort((a, b) => a.site.localeCompare(b.site));
  }

  private siteStatus(id: string, site: string) {
    return this.slo.statusOf(id).filter((status) => siteOfScope(status.scope) === site);
  }

  /** Domains with their product counts, for the catalog's domain filter. */
  async domains(): Promise<{ domain: string; products: number }[]> {
    const counts = new Map<string, number>();
    for (const { contract } of await this.contracts()) counts.set(contract.domain, (counts.get(contract.domain) ?? 0) + 1);
    return [...counts].map(([domain, products]) => ({ domain, products })).sort((a, b) => a.domain.localeCompare(b.domain));
  }

  /** With a site: the SLO state over that site's scopes only. */
  summary({ contract: c }: LoadedContract, site?: string): ProductSummary {
    const fields = Object.values(c.fields);
    return {
      id: c.id,
      domain: c.domain,
      dataProduct: c.dataProduct,
      version: c.version,
      status: c.status,
      topic: c.kafka.topic,
      owner: { ...c.owner },
      purpose: c.description.purpose,
      fieldCount: fields.length,
      hasPersonalData: fields.some((f) => f.classification === 'personal'),
      sloState: productState((site ? this.siteStatus(c.id, site) : this.slo.statusOf(c.id)).map((s) => s.state)),
    };
  }

  async detail(id: string, authorization: string | undefined): Promise<ProductDetail> {
    const loaded = await this.contract(id);
    const c = loaded.contract;
    const subject = `${c.kafka.topic}-value`;
    const [latest, versions, warehouse] = await Promise.all([
      this.registry.schemas.latest(subject).catch(() => null),
      this.registry.contracts(authorization).then((all) => all.find((entry) => entry.id === c.id)?.versions ?? []),
      this.warehouseView(loaded),
    ]);
    const fields: FieldView[] = (loaded.avroSchema.fields as AvroFieldSchema[]).map((f) => {
      const semantics = c.fields[f.name];
      return {
        name: f.name,
        type: avroTypeName(f.type),
        nullable: isNullable(f.type),
        description: semantics?.description ?? f.doc ?? null,
        doc: f.doc ?? null,
        unit: semantics?.unit ?? null,
        classification: semantics?.classification ?? null,
        masking: semantics?.masking ?? null,
      };
    });
    return {
      ...this.summary(loaded),
      description: { purpose: c.description.purpose, usage: c.description.usage ?? null, limitations: c.description.limitations ?? null },
      compatibility: c.compatibility,
      kafka: { ...c.kafka },
      retention: { ...c.retention },
      slos: { freshness: { ...c.slos.freshness }, completeness: { ...c.slos.completeness } },
      sloStatus: this.slo.statusOf(c.id),
      fields,
      schema: loaded.avroSchema,
      registry: { subject, latestVersion: latest?.version ?? null, schemaId: latest?.id ?? null },
      versions,
      upstream: [...c.upstream],
      quality: c.quality.map((q) => ({ name: q.name, rule: q.rule, field: q.field })),
      throughput: this.throughput.of(c.kafka.topic),
      warehouse,
    };
  }

  /** The sample query of a product: its newest rows by the table's time column. */
  sampleSql(loaded: LoadedContract): string | null {
    if (!this.warehouse) return null;
    const plan = this.warehouse.samplePlanFor(loaded);
    return `SELECT * FROM ${qualifiedTableName(plan)} ORDER BY ${quoteIdentifier(plan.timeColumn)} DESC LIMIT ${SAMPLE_ROWS}`;
  }

  private async warehouseView(loaded: LoadedContract): Promise<ProductDetail['warehouse']> {
    if (!this.warehouse) return { table: null, sampleQuery: null, rows: null };
    const plan = this.warehouse.planFor(loaded);
    const table = `${plan.database}.${plan.table}`;
    // No table yet (the sink has not written the product) or ClickHouse down: the page shows the rest.
    const rows = await this.warehouse
      .tableExists(plan)
      .then(async (exists) => (exists ? Number((await this.warehouse!.rows<{ n: string | number }>(`SELECT count() AS n FROM ${qualifiedTableName(plan)}`))[0]?.n ?? 0) : null))
      .catch(() => null);
    return { table, sampleQuery: this.sampleSql(loaded), rows };
  }

  async sampleQuery(id: string): Promise<SampleQueryResult> {
    const loaded = await this.contract(id);
    if (!this.warehouse)
      throw new UpstreamFailed(
        'ClickHouse',
        'the console was started without a clickhouse option, so it cannot query the warehouse; start it with clickhouse: { url } or { chdbPath }',
        undefined,
        503,
      );
    const plan = this.warehouse.planFor(loaded);
    if (!(await this.warehouse.tableExists(plan))) {
      throw new ResourceNotFound(
        'ClickHouse table',
        `${plan.database}.${plan.table}`,
        `The ClickHouse sink has not created it yet: run the sink for ${loaded.contract.kafka.topic}.`,
      );
    }
    const sql = this.sampleSql(loaded)!;
    const started = performance.now();
    const result = await this.warehouse.sampleTable(sql);
    return { sql, ...result, elapsedMs: Math.round(performance.now() - started) };
  }
}
