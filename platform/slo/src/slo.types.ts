/** Where SLO breaches and recoveries are published, one JSON event per transition. */
export const SLO_TOPIC = '_fieldmesh.slo';

/** The scope of a whole product, beside one scope per line path. */
export const WHOLE_PRODUCT = '*';

export const sloNames = ['freshness', 'completeness'] as const;
export type SloName = (typeof sloNames)[number];

/**
 * `unknown`: nothing to judge (no data and no expectation, completeness before its first full window or
 * without an expected rate, freshness of an event-driven product); the status's `reason` says which.
 */
export type SloState = 'ok' | 'breached' | 'unknown';

/**
 * A transition of one SLO of one scope, published on `_fieldmesh.slo` with key `<productTopic>|<slo>|<scope>`.
 * `observed` and `objective` are milliseconds for freshness (age of the newest record vs maxAge) and a
 * ratio for completeness (records received vs expected in the window, vs minRatio).
 */
export interface SloEvent {
  type: 'BREACHED' | 'RECOVERED';
  /** The contract id, e.g. `plant-telemetry.raw`. */
  product: string;
  topic: string;
  slo: SloName;
  /** A line path such as `acme/berlin/press-shop/line-1`, or `*` for the whole product. */
  scope: string;
  observed: number;
  objective: number;
  /** ISO time of the evaluation that saw the transition. */
  at: string;
  message: string;
}

/** The current state of one SLO of one scope; `observed` is null while there is nothing to measure. */
export interface SloStatus {
  product: string;
  topic: string;
  slo: SloName;
  scope: string;
  state: SloState;
  observed: number | null;
  objective: number;
  /** ISO time since which the SLO has been in this state. */
  since: string;
  /** Why the state is `unknown`, for people (e.g. an event-driven product's freshness); null when judged. */
  reason: string | null;
}

/** What the evaluator needs of a product record: where it is, its key (the scope) and its timestamp. */
export interface SloRecord {
  topic: string;
  key: string | null;
  timestampMs: number;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Expected records per second (wall clock), per contract id, then per line path. A `*` entry sets the
 * whole product's rate; without one it is the sum of the lines. Products or lines without an entry have
 * no completeness objective to meet (their completeness is `unknown`).
 */
export type SloExpectations = Record<string, Record<string, number>>;
