import type { Problem } from '@fieldmesh/config';
import type { LoadedContract } from './contract.loader';
import type { QualityRule } from './contract.schema';

/** Why one rule rejects a value, or undefined when it passes. A null value passes every rule but notNull. */
function violation(rule: QualityRule, value: unknown): string | undefined {
  if (value === null || value === undefined) return rule.rule === 'notNull' ? 'must not be null' : undefined;
  switch (rule.rule) {
    case 'notNull':
      return undefined;
    case 'finite':
      return typeof value === 'number' && !Number.isFinite(value) ? `must be a finite number, got ${value}` : undefined;
    case 'range': {
      const n = typeof value === 'bigint' ? Number(value) : (value as number);
      if (rule.min !== undefined && n < rule.min) return `must be >= ${rule.min}, got ${n}`;
      if (rule.max !== undefined && n > rule.max) return `must be <= ${rule.max}, got ${n}`;
      return undefined;
    }
    case 'pattern':
      return new RegExp(rule.pattern).test(String(value)) ? undefined : `must match ${rule.pattern}, got '${String(value)}'`;
    case 'allowedValues':
      return rule.values.includes(String(value)) ? undefined : `must be one of ${rule.values.join(', ')}, got '${String(value)}'`;
  }
}

/**
 * Checks a record against its contract: the Avro schema (types, required fields) and the quality rules.
 * Returns every problem, each naming the field, so the caller can dead-letter it with the reason.
 */
export function validateRecord(loaded: LoadedContract, record: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  loaded.avroType.isValid(record, {
    errorHook: (path, value, type) => {
      problems.push({
        path: path.join('.') || '(root)',
        message: `expected ${type.typeName ?? type.branchName ?? 'a valid value'}, got ${JSON.stringify(value) ?? String(value)}`,
      });
    },
  });
  if (problems.length > 0) return problems;
  for (const rule of loaded.contract.quality) {
    if (rule.where && !Object.entries(rule.where).every(([field, value]) => String(record[field]) === value)) continue;
    const reason = violation(rule, record[rule.field]);
    if (reason) problems.push({ path: rule.field, message: `${rule.name}: ${reason}` });
  }
  return problems;
}
