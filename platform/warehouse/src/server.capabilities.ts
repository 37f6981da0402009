import type { ClickHouseClient } from '@clickhouse/client';

/**
 * What a ClickHouse version can do that the DDL and the sink depend on. Thresholds are the first
 * release with the feature outside an `allow_experimental_*` setting (ClickHouse changelogs).
 */
export interface ServerCapabilities {
  version: string;
  major: number;
  minor: number;
  /** Column and table TTL (19.6). */
  ttl: boolean;
  /** DateTime64 with sub-second precision (20.1). */
  dateTime64: boolean;
  /** Map(K, V) columns (21.8; experimental before). */
  map: boolean;
  /** LowCardinality(T) without allow_experimental_low_cardinality_type (19.1). */
  lowCardinality: boolean;
  /** CREATE USER / ROLE and GRANT in SQL (20.5). */
  sqlAccessControl: boolean;
}

const since = (major: number, minor: number, atMajor: number, atMinor: number) => major > atMajor || (major === atMajor && minor >= atMinor);

/** Capabilities of a version string as `SELECT version()` returns it, e.g. '18.16.1' or '26.7.2.1'. */
export function capabilitiesOf(version: string): ServerCapabilities {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new RangeError(`'${version}' is not a ClickHouse version such as 18.16.1 or 26.7.2.1`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return {
    version,
    major,
    minor,
    ttl: since(major, minor, 19, 6),
    dateTime64: since(major, minor, 20, 1),
    map: since(major, minor, 21, 8),
    lowCardinality: since(major, minor, 19, 1),
    sqlAccessControl: since(major, minor, 20, 5),
  };
}

/** Asks the server (or chDB) its version once; everything version-dependent derives from the answer. */
export async function probeCapabilities(client: ClickHouseClient): Promise<ServerCapabilities> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  if (!row) throw new Error('SELECT version() returned no row');
  return capabilitiesOf(row.version);
}
