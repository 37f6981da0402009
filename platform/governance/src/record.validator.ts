import type { Problem } from '@fieldmesh/config';
import type { LoadedContract } from './contract.loader';
import type { QualityRule } from './contract.schema';

/** One quality rule of a contract that a record broke: the rule, the field it checks and why. */
export interface RuleViolation {
  rule: string;
  field: string;
  message: string;
}

/**
 * A contract's quality rules compiled once (patterns built, value lists made sets, `where` clauses
 * flattened), so that checking a record allocates nothing when it passes. Built by compileContractRules.
 */
export interface ContractRules {
  /** The contract's id, for the reasons and counts of those that apply the rules. */
  readonly contract: string;
  /** The names of the rules, so counts can be made before any record breaks one. */
  readonly rules: readonly string[];
  /** The rules `record` breaks (none: an empty list). The record must already match the Avro schema. */
  check(record: Record<string, unknown>): readonly RuleViolation[];
}

type CompiledCheck = (value: unknown) => string | undefined;

interface CompiledRule {
  name: string;
  field: string;
  where: ReadonlyArray<readonly [string, string]>;
  check: CompiledCheck;
}

const NONE: readonly RuleViolation[] = Object.freeze([]);

/** Why one rule rejects a value, or undefined when it passes. A null value passes every rule but notNull. */
function compileCheck(rule: QualityRule): CompiledCheck {
  switch (rule.rule) {
    case 'notNull':
      return (value) => (value === null || value === undefined ? 'must not be null' : undefined);
    case 'finite':
      return (value) => (typeof value === 'number' && !Number.isFinite(value) ? `must be a finite number, got ${value}` : undefined);
    case 'range': {
      const { min, max } = rule;
      return (value) => {
        if (value === null || value === undefined) return undefined;
        // NaN passes: whether a number may be NaN is the `finite` rule's to say.
        const n = typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.getTime() : (value as number);
        if (min !== undefined && n < min) return `must be >= ${min}, got ${n}`;
        if (max !== undefined && n > max) return `must be <= ${max}, got ${n}`;
        return undefined;
      };
    }
    case 'pattern': {
      const pattern = new RegExp(rule.pattern);
      return (value) => (value === null || value === undefined || pattern.test(String(value)) ? undefined : `must match ${rule.pattern}, got '${String(value)}'`);
    }
    case 'allowedValues': {
      const allowed = new Set(rule.values);
      return (value) => (value === null || value === undefined || allowed.has(String(value)) ? undefined : `must be one of ${rule.values.join(', ')}, got '${String(value)}'`);
    }
  }
}

const compiled = new WeakMap<LoadedContract, ContractRules>();

/**
 * The contract's quality rules, compiled once per loaded contract (later calls return the same object):
 * what a producer checks each record against before it writes it, and a consumer before it uses one.
 */
export function compileContractRules(loaded: LoadedContract): ContractRules {
  const known = compiled.get(loaded);
  if (known) return known;
  const rules: CompiledRule[] = loaded.contract.quality.map((rule) => ({
    name: rule.name,
    field: rule.field,
    where: Object.entries(rule.where ?? {}),
    check: compileCheck(rule),
  }));
  const applies = (rule: CompiledRule, record: Record<string, unknown>): boolean => {
    for (const [field, value] of rule.where) if (String(record[field]) !== value) return false;
    return true;
  };
  const result: ContractRules = {
    contract: loaded.contract.id,
    rules: rules.map((rule) => rule.name),
    check(record) {
      let violations: RuleViolation[] | undefined;
      for (const rule of rules) {
        if (rule.where.length > 0 && !applies(rule, record)) continue;
        const reason = rule.check(record[rule.field]);
        if (reason !== undefined) (violations ??= []).push({ rule: rule.name, field: rule.field, message: reason });
      }
      return violations ?? NONE;
    },
  };
  compiled.set(loaded, result);
  return result;
}

/**
 * A record broke quality rules of its product's contract: a producer dead-letters it instead of writing
 * it, a consumer instead of using it. `violations` name each rule and field.
 */
export class RecordBreaksContract extends Error {
  override readonly name = 'RecordBreaksContract';
  constructor(
    readonly contract: string,
    readonly topic: string,
    /** Who caught it: the producer before writing (`output`) or a consumer after reading (`input`). */
    readonly side: 'input' | 'output',
    readonly violations: readonly RuleViolation[],
    /** The job or sink that applied the rules. */
    readonly by: string,
  ) {
    super(
      `${side === 'output' ? `${by} produced` : `${by} read`} a record of ${topic} that breaks contract ${contract}: ` +
        violations.map((v) => `rule ${v.rule} on field ${v.field}: ${v.message}`).join('; ') +
        (side === 'output'
          ? `. It was not written to ${topic}; fix what computes the field (or the rule, by a contract change), then replay the record from ${topic}.dlq.`
          : `. It was not used; fix its producer (which should have dead-lettered it), then replay it from ${topic}.dlq.`),
    );
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
  for (const violation of compileContractRules(loaded).check(record)) problems.push({ path: violation.field, message: `${violation.rule}: ${violation.message}` });
  return problems;
}
