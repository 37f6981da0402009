import type { z } from 'zod';

/** One thing wrong with a configuration or document: where (a dotted path) and what. */
export interface Problem {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Dotted path of a zod issue, e.g. `connectors.0.url`; `(root)` for the document itself. */
function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

const UNKNOWN_KEY = 'unknown key: check its spelling and its level (it may belong in a nested object), or remove it';

/** The problems of one zod issue: an unknown key is named by its own path, one problem per key. */
function problemsOf(issue: z.core.$ZodIssue): Problem[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issuePath(issue.path), message: issue.message }];
  return issue.keys.map((key) => ({ path: issuePath([...issue.path, key]), message: UNKNOWN_KEY }));
}

/**
 * Parses untrusted input with a zod schema and returns the typed value or every problem found, each
 * naming its field. Every entry point (gateway start, `fieldmesh validate`, the registry API) reports
 * this same list, the way Kafka Connect's validate endpoint does.
 *
 * Configuration schemas are built with `z.strictObject`, so that a key the program does not read (a typo,
 * or a setting at the wrong level) is a problem here instead of a setting silently running at its default.
 * Documents other tools extend (OpenLineage events, Schema Registry API bodies, process.env) keep `z.object`.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap(problemsOf) };
}

/** One line per problem, for terminals and logs. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n');
}
