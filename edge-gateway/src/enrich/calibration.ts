import { z } from 'zod';

export const calibrationRuleSchema = z.strictObject({
  signal: z
    .string()
    .min(1)
    .describe('Signal the rule applies to')
    .meta({ examples: ['bearing_temperature'] }),
  assetPath: z
    .string()
    .min(1)
    .optional()
    .describe('Limit the rule to one asset; all assets when absent')
    .meta({ examples: ['acme/berlin/press-shop/line-1/compressor-1'] }),
  scale: z
    .number()
    .finite()
    .default(1)
    .describe('Multiplier applied first')
    .meta({ examples: [1.02] }),
  offset: z
    .number()
    .finite()
    .default(0)
    .describe('Added after scaling, in the signal unit')
    .meta({ examples: [-0.4] }),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Version of this calibration, stamped on every reading it calibrates as the attribute calibration.version (fieldmesh calibration approve sets it)')
    .meta({ examples: [2] }),
});

export type CalibrationRule = z.output<typeof calibrationRuleSchema>;

/**
 * Per-signal linear calibration (value * scale + offset), as Kura's asset channels and SiteWise
 * transforms do. An asset-specific rule wins over a signal-wide one.
 */
export class Calibration {
  private readonly rules = new Map<string, CalibrationRule>();

  constructor(rules: CalibrationRule[]) {
    for (const rule of rules) this.rules.set(`${rule.assetPath ?? '*'}|${rule.signal}`, rule);
  }

  apply(assetPath: string, signal: string, value: number): number {
    const rule = this.ruleOf(assetPath, signal);
    return rule ? value * rule.scale + rule.offset : value;
  }

  /** The version of the rule that calibrates this signal, if that rule has one. */
  versionOf(assetPath: string, signal: string): number | undefined {
    return this.ruleOf(assetPath, signal)?.version;
  }

  private ruleOf(assetPath: string, signal: string): CalibrationRule | undefined {
    return this.rules.get(`${assetPath}|${signal}`) ?? this.rules.get(`*|${signal}`);
  }
}
