import type { TableDescription } from './table.introspection';
import { distributedTableName, distributedTableSql, onClusterClause, qualifiedTableName, quoteIdentifier, type TablePlan } from './table.plan';

/** An Enum column of an existing table that gains the values its contract appended, nothing else. */
export interface EnumWidening {
  column: string;
  from: string;
  to: string;
  /** The names the column gains, in the plan's order. */
  added: string[];
}

/** `Enum8('A' = 1, 'B' = 2)`, also inside `Nullable(…)`: its name → value pairs; undefined for any other type. */
export function enumValuesOf(type: string): Map<string, number> | undefined {
  const inner = /^Nullable\((.*)\)$/s.exec(type.trim())?.[1] ?? type.trim();
  const body = /^Enum(?:8|16)\((.*)\)$/s.exec(inner)?.[1];
  if (body === undefined) return undefined;
  const values = new Map<string, number>();
  // Names are quoted with ' and may hold \' and \\ (ClickHouse echoes them so; column.mapping writes them so).
  const pair = /\s*'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pair.exec(body)) !== null) {
    values.set(match[1]!.replace(/\\(.)/g, '$1'), Number(match[2]));
    if (pair.lastIndex === body.length) return values;
  }
  return undefined;
}

const wrapperOf = (type: string) => /^\s*(Nullable\()?Enum(8|16)\(/.exec(type)?.slice(1).join('|');

/**
 * The Enum columns of `actual` whose planned type keeps every existing name with its number and only adds
 * names: ClickHouse changes such a column in its metadata alone (no part is rewritten), and every row
 * stored stays what it was. A renamed, renumbered or removed value, or any other type change, is not a
 * widening: it stays drift for a person to decide.
 */
export function enumWidenings(plan: TablePlan, actual: TableDescription): EnumWidening[] {
  const existing = new Map(actual.columns.map((c) => [c.name, c.type]));
  const widenings: EnumWidening[] = [];
  for (const column of plan.columns) {
    const from = existing.get(column.name);
    if (from === undefined || wrapperOf(from) === undefined || wrapperOf(from) !== wrapperOf(column.type)) continue;
    const before = enumValuesOf(from);
    const after = enumValuesOf(column.type);
    if (!before || !after || after.size <= before.size) continue;
    if (![...before].every(([name, value]) => after.get(name) === value)) continue;
    widenings.push({ column: column.name, from, to: column.type, added: [...after.keys()].filter((name) => !before.has(name)) });
  }
  return widenings;
}

/**
 * `ALTER TABLE … MODIFY COLUMN` for each widening. On a cluster the Distributed table (its columns a copy of
 * the table's, made by `CREATE … AS`) is made again after it: 18.16 refuses an ALTER ON CLUSTER of a table
 * that is not replicated on a cluster whose shards replicate internally ("isn't replicated, but shard #1 is
 * replicated"), and the Distributed table holds no data (the sink writes the replicated table).
 */
export function enumWideningSql(plan: TablePlan, widenings: EnumWidening[]): string[] {
  if (widenings.length === 0) return [];
  const modify = widenings.map((w) => `MODIFY COLUMN ${quoteIdentifier(w.column)} ${w.to}`).join(', ');
  const alter = `ALTER TABLE ${qualifiedTableName(plan)}${onClusterClause(plan.cluster)} ${modify}`;
  if (!plan.cluster) return [alter];
  const distributed = qualifiedTableName({ database: plan.database, table: distributedTableName(plan) });
  return [alter, `DROP TABLE IF EXISTS ${distributed}${onClusterClause(plan.cluster)}`, distributedTableSql(plan)];
}
