import type { z } from 'zod';
import { ConfigInvalid } from './errors';
import { parseWith } from './problems';

/** Parses a program's configuration at its edge, throwing one error that lists every bad field. */
export function loadConfig<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = parseWith(schema, input);
  if (!result.ok) throw new ConfigInvalid(source, result.problems);
  return result.value;
}
