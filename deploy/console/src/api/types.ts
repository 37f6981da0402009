/**
 * The console API's request and response bodies, as JSON on the wire (dates are ISO strings). The web UI
 * imports this file type-only, so it holds types and nothing else. What another package already defines
 * (the registry's proposals, the contract's compatibility modes, the SLO monitor's events and status) is
 * re-exported type-only from there, not restated.
 */

import type { CompatibilityMode } from '@fieldmesh/governance';
import type { Proposal, ProposalAnalysis } from '@fieldmesh/registry';
import type { SloEvent, SloState, SloStatus } from '@fieldmesh/slo';

export type { CompatibilityMode } from '@fieldmesh/governance';

// ---------------------------------------------------------------- auth

export type Role = 'domain-owner' | 'governance-lead' | 'analyst' | 'operator' | 'service';

/** `GET /api/whoami`. `domains` lists what the token may act for; `'*'` means every domain. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  domains: string[];
}

/** Every error answer: the HTTP status, a Confluent-style code where the registry gave one, and what to do. */
export interface ApiError {
  statusCode: number;
  error_code?: number;
  message: string;
}

// ---------------------------------------------------------------- paging

/** Query of every list endpoint: `?search=&page=&pageSize=` plus the endpoint's filters. Pages count from 1. */
export interface PageQuery {
  search?: string;
  page?: number;
  /** 1..200, default 25. */
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  /** Items matching search and filters, over all pages. */
  total: number;
  page: number;
  pageSize: number;
  /** At least 1, so "page 1 of 1" reads right for an empty list. */
  pageCount: number;
}

// ---------------------------------------------------------------- SLOs

export type { SloEvent, SloName, SloState, SloStatus } from '@fieldmesh/slo';

/** `GET /api/slo?product=&state=`: current status per product, SLO and scope, and the newest events first. */
export interface SloView {
  status: SloStatus[];
  events: SloEvent[];
}

// ---------------------------------------------------------------- catalog

export type Classification = 'public' | 'internal' | 'personal';
export type Masking = 'none' | 'pseudonymise' | 'drop';

/** A row of `GET /api/catalog?search=&domain=&page=&pageSize=`; search matches id, product, description, owner and field names. */
export interface ProductSummary {
  /** Contract id, e.g. `asset-health.anomaly-scores`. */
  id: string;
  domain: string;
  dataProduct: string;
  version: string;
  /** The contract file's status (draft … retired). */
  status: string;
  topic: string;
  owner: { team: string; contact: string };
  purpose: string;
  fieldCount: number;
  /** True when some field is classified personal. */
  hasPersonalData: boolean;
  /** Breached if any SLO of any scope is, else ok if any is judged ok; `unknown` when none is judged (no monitor, or nothing to judge yet). */
  sloState: SloState;
}

export interface FieldView {
  /** Dotted path of the field in the Avro record. */
  name: string;
  /** Avro type, rendered (`double`, `["null","string"]`, `enum Status`). */
  type: string;
  nullable: boolean;
  /** The contract's description of the field, else the Avro doc. */
  description: string | null;
  doc: string | null;
  unit: string | null;
  classification: Classification | null;
  masking: Masking | null;
}

export interface ThroughputView {
  /** Records per second over the last `windowSeconds`, from the topic's offsets. */
  messagesPerSecond: number | null;
  windowSeconds: number;
  /** Records in the topic (sum of end - start offsets). */
  records: number | null;
  measuredAt: string;
}

export interface WarehouseView {
  /** `database.table` of the ClickHouse sink, or null for a product not sunk. */
  table: string | null;
  /** The sample query the console runs for `POST /api/catalog/{id}/sample-query`. */
  sampleQuery: string | null;
  /** Rows in the table, if ClickHouse answered. */
  rows: number | null;
}

/** `GET /api/catalog/{contractId}`. */
export interface ProductDetail extends ProductSummary {
  description: { purpose: string; usage: string | null; limitations: string | null };
  compatibility: CompatibilityMode;
  kafka: { topic: string; partitions: number; replicationFactor: number; key: string };
  retention: { kafka: string; warehouse: string };
  slos: { freshness: { maxAge: string }; completeness: { minRatio: number; window: string } };
  sloStatus: SloStatus[];
  fields: FieldView[];
  /** The Avro schema (parsed .avsc) of the contract. */
  schema: unknown;
  /** What the registry holds for `<topic>-value`; null values when it has none yet. */
  registry: { subject: string; latestVersion: number | null; schemaId: number | null };
  /** Versions known to the registry's review log (newest last); empty when the registry is not governed. */
  versions: { version: string; status: string; proposalId: string | null }[];
  upstream: string[];
  quality: { name: string; rule: string; field: string }[];
  throughput: ThroughputView;
  warehouse: WarehouseView;
}

/** `POST /api/catalog/{contractId}/sample-query` (warehouse:query). Body: none. */
export interface SampleQueryResult {
  sql: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
  elapsedMs: number;
}

// ---------------------------------------------------------------- reviews (proxied to the registry)

// The registry owns the proposal and its analysis; the console passes them on as the registry sends them.
export type { FieldChange, ProposalAnalysis, ProposalStatus } from '@fieldmesh/registry';

/** A row of `GET /api/reviews?status=&search=&page=&pageSize=`: the registry's proposal, its decision null until made. */
export interface ProposalSummary extends Pick<Proposal, 'proposalId' | 'contractId' | 'version' | 'status' | 'proposedBy' | 'proposedAt'> {
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
  breaking: boolean;
  /** First lines of the analysis changelog. */
  changelog: string[];
}

/** `GET /api/reviews/{proposalId}`: the registry's Proposal. */
export interface ProposalView extends ProposalSummary {
  /** The proposed DataContract (as in the YAML). */
  contract: unknown;
  /** The proposed Avro schema (parsed). */
  schema: unknown;
  analysis: ProposalAnalysis;
}

/** Body of `POST /api/reviews/{proposalId}/approve` (comment optional) and `/reject` (comment required). */
export interface ReviewDecisionRequest {
  comment?: string;
}

// ---------------------------------------------------------------- lineage

export type LineageNodeKind = 'mqtt' | 'opcua' | 'topic' | 'job' | 'table' | 'column';

export interface LineageNode {
  /**
   * Stable id `<kind>:<name>` (`<kind>:<name>#<field>` for a column), e.g. `topic:asset-health.anomaly-scores.v1`,
   * `column:fieldmesh.asset_health_anomaly_scores_v1#score`, `job:asset-health.anomaly-operator`;
   * the UI renders it as `data-testid="lineage-node-<id>"`.
   */
  id: string;
  kind: LineageNodeKind;
  label: string;
  /** OpenLineage namespace: `kafka://host:port`, `mqtt://…`, `opcua://…`, `clickhouse://…`, or the job namespace. */
  namespace: string;
  /** Dataset name (topic, `database.table`, MQTT topic, OPC UA node id) or job name; ask `/api/lineage?dataset=<name>`. */
  name: string;
  /** The column, for kind `column`; ask `/api/lineage?dataset=<name>&column=<field>`. */
  field: string | null;
}

export interface LineageEdge {
  from: string;
  to: string;
  /** How a column is derived (`IDENTITY`, `AGGREGATION: RMS per 10 s window`), when the job declared it. */
  label?: string;
}

/** `GET /api/lineage?dataset=<topic or table>&column=`: everything upstream and downstream of the dataset (or column). */
export interface LineageGraphView {
  /** The node asked for (an unknown dataset is a 404 naming the candidates). */
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** A row of `GET /api/lineage/datasets?search=&kind=&page=&pageSize=`: every dataset lineage knows, to pick one. */
export interface LineageDatasetView {
  kind: Exclude<LineageNodeKind, 'job' | 'column'>;
  namespace: string;
  name: string;
  /** Column names from the dataset's schema facet. */
  fields: string[];
}

// ---------------------------------------------------------------- alerts

export type AlertStatus = 'OPENED' | 'ACKNOWLEDGED' | 'DIAGNOSED' | 'DISPATCHED' | 'VERIFIED' | 'CLOSED';
/** The steps people take (the anomaly operator opens alerts). */
export type AlertAction = Exclude<AlertStatus, 'OPENED'>;

/** A row of `GET /api/alerts?status=&asset=&line=&assetClass=&search=&page=&pageSize=` (newest first). `status` may be comma-separated. */
export interface AlertSummary {
  alertId: string;
  assetPath: string;
  assetClass: string;
  /** The asset's line: its path without the last segment (`acme/berlin/press-shop/line-1`). */
  line: string;
  status: AlertStatus;
  openedAt: string;
  onset: string | null;
  /** Time of the latest event. */
  updatedAt: string;
  score: number | null;
  modelName: string | null;
  modelVersion: string | null;
  diagnosis: string | null;
  workOrderId: string | null;
}

export interface AlertEventView {
  eventId: string;
  type: AlertStatus;
  at: string;
  by: string;
  note: string | null;
  diagnosis: string | null;
  workOrderId: string | null;
}

export interface AlertEvidence {
  score: number | null;
  threshold: number | null;
  /** Contributing features, most contributing first. */
  contributors: string[];
  model: { name: string; version: string } | null;
}

export interface SignalSeries {
  /** Signal name, e.g. `vibration_rms`. */
  signal: string;
  unit: string | null;
  /** `[epoch ms, value]`, oldest first. */
  points: [number, number][];
}

/** `GET /api/alerts/{alertId}` (the id is URL-encoded: it holds `/` and `@`). */
export interface AlertDetail extends AlertSummary {
  history: AlertEventView[];
  evidence: AlertEvidence;
  /** The asset's signals from `signalsFrom.start` to `signalsFrom.end` around the onset. */
  signals: SignalSeries[];
  /** Where the signals come from (`clickhouse fieldmesh.plant_telemetry_clean_v1`); `note` says why there are none. */
  signalsFrom: { source: string; start: string; end: string; note: string | null };
  /** The steps the workflow allows next, so the UI shows only those buttons. */
  nextActions: AlertAction[];
}

/**
 * `POST /api/alerts/{alertId}/actions` (alert:act) → the updated AlertDetail.
 * DIAGNOSED needs `diagnosis`, DISPATCHED needs `workOrderId`, CLOSED before VERIFIED needs `note`.
 */
export interface AlertActionRequest {
  action: AlertAction;
  note?: string;
  diagnosis?: string;
  workOrderId?: string;
}

// ---------------------------------------------------------------- KPIs

export interface KpiRow {
  /** Asset path or line path. */
  key: string;
  line: string;
  /** Asset class for an asset row, null for a line row. */
  assetClass: string | null;
  /** Alerts whose repair was verified (reached VERIFIED) — each counts as one failure avoided. */
  avoidedFailures: number;
  downtimeAvoidedHours: number;
  /** Alerts closed without a verified repair (false alarms, fixed on the spot). */
  closedWithoutRepair: number;
  openAlerts: number;
}

/** `GET /api/kpis?search=&line=&page=&pageSize=` (pages apply to `perAsset`). */
export interface Kpis {
  /** How downtime avoided is computed, in words. */
  formula: string;
  /** Hours of downtime one avoided failure counts for, per asset class (`*` = default). */
  hoursPerAvoidedFailure: Record<string, number>;
  total: { avoidedFailures: number; downtimeAvoidedHours: number; closedWithoutRepair: number; openAlerts: number };
  perLine: KpiRow[];
  perAsset: Page<KpiRow>;
}

// ---------------------------------------------------------------- models

export interface ModelVersionView {
  name: string;
  version: string;
  role: 'champion' | 'shadow';
  created: string;
  description: string;
  algorithm: string;
  threshold: number;
  features: string[];
  metrics: Record<string, number>;
}

/** `GET /api/models`: the model versions serving each asset class. */
export interface ModelsInUse {
  assetClasses: {
    assetClass: string;
    model: string;
    champion: ModelVersionView | null;
    shadow: ModelVersionView | null;
    /** Alerts opened by each model version, as seen on the alerts topic (`name@version` → count). */
    alertsByVersion: Record<string, number>;
  }[];
}

// ---------------------------------------------------------------- status

/** `GET /api/status`: what the console has read so far, to tell an empty page from an unfed console. */
export interface ConsoleStatus {
  alerts: { topic: string; alerts: number; openAlerts: number; undecodable: number };
  slo: { topic: string; events: number; skipped: number; statusFrom: 'monitor' | 'topic' };
  lineage: { topic: string; jobs: number; datasets: number; skipped: number };
  warehouse: { database: string; version: string } | null;
  registryUrl: string;
}
