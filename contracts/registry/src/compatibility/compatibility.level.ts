import { RegistryErrors } from '../errors';

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Confluent's default when neither the subject nor the registry has a level configured. */
export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

/** Accepts a level in any letter case (as Confluent does); anything else is a 42203 error. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  const level = COMPATIBILITY_LEVELS.find((candidate) => candidate === upper);
  if (!level) throw RegistryErrors.invalidCompatibilityLevel(value);
  return level;
}
