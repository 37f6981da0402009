import { type ContractRules, RecordBreaksContract } from '@fieldmesh/governance';

/** The compiled rules of the contracts of the topics a job reads and writes (compileContractRules). */
export interface StreamJobRules {
  /** Input topic → its contract's rules: a decoded record that breaks one goes to `<topic>.dlq` (stage 'validate-input') instead of the handler. */
  inputs?: Record<string, ContractRules>;
  /** Output topic → its contract's rules: an output that breaks one is not produced but goes to `<topic>.dlq` (stage 'validate-output'). */
  outputs?: Record<string, ContractRules>;
}

/** How often records broke one rule of one topic's contract, as the job found them (a record may break several). */
export interface RuleViolationCount {
  /** `input`: a record the job read and dead-lettered unprocessed; `output`: one it computed and dead-lettered instead of producing. */
  side: 'input' | 'output';
  topic: string;
  contract: string;
  rule: string;
  field: string;
  count: number;
}

/** The DLQ stage of a record dead-lettered for breaking its contract's rules, by side. */
export const RULE_STAGES = { input: 'validate-input', output: 'validate-output' } as const;

/**
 * Applies the contracts' quality rules on both sides of a job: inputs before the handler sees them,
 * outputs before they are produced. Rules are compiled once per contract (the caller's ContractRules);
 * a record that passes costs one call per rule and allocates nothing. Counts are kept per topic, rule
 * and field, bounded by the contracts' rules.
 */
export class ContractRulesGuard {
  private readonly counts = new Map<string, RuleViolationCount>();
  private totals = { inputs: 0, outputs: 0 };

  constructor(
    private readonly job: string,
    private readonly rules: StreamJobRules = {},
  ) {}

  /** The error to dead-letter an input record with, or undefined when it keeps the rules (or has no value: a tombstone). */
  checkInput(topic: string, value: unknown): RecordBreaksContract | undefined {
    return this.check('input', this.rules.inputs?.[topic], topic, value);
  }

  /** The error to dead-letter an output with instead of producing it, or undefined when it keeps the rules. */
  checkOutput(topic: string, value: unknown): RecordBreaksContract | undefined {
    return this.check('output', this.rules.outputs?.[topic], topic, value);
  }

  /**
   * Counts the rule-breaking records among a batch's dead letters, once they were acknowledged: a batch
   * that fails and comes again counts when it succeeds, never twice.
   */
  count(letters: Iterable<{ stage: string; error: unknown }>): void {
    for (const { stage, error } of letters) {
      if ((stage !== RULE_STAGES.input && stage !== RULE_STAGES.output) || !(error instanceof RecordBreaksContract)) continue;
      const { side, topic, contract, violations } = error;
      if (side === 'input') this.totals.inputs += 1;
      else this.totals.outputs += 1;
      for (const { rule, field } of violations) {
        const key = `${side}\0${topic}\0${rule}\0${field}`;
        const entry = this.counts.get(key) ?? { side, topic, contract, rule, field, count: 0 };
        entry.count += 1;
        this.counts.set(key, entry);
      }
    }
  }

  /** Records dead-lettered for breaking rules, by side. */
  deadLettered(): { inputs: number; outputs: number } {
    return { ...this.totals };
  }

  violations(): RuleViolationCount[] {
    return [...this.counts.values()].map((entry) => ({ ...entry }));
  }

  private check(side: 'input' | 'output', rules: ContractRules | undefined, topic: string, value: unknown): RecordBreaksContract | undefined {
    if (!rules || typeof value !== 'object' || value === null) return undefined;
    const violations = rules.check(value as Record<string, unknown>);
    return violations.length === 0 ? undefined : new RecordBreaksContract(rules.contract, topic, side, violations, this.job);
  }
}
