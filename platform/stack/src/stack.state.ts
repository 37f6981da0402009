import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems, parseWith } from '@fieldmesh/config';
import { z } from 'zod';
import { StackStateError } from './errors';
import { isServiceName } from './service';

const processRef = z.object({ pid: z.number().int().positive(), startTime: z.string().min(1) });

const serviceState = z.object({
  ports: z.record(z.string(), z.number().int().positive()),
  secrets: z.record(z.string(), z.string()),
  logFile: z.string(),
  /** null while stopped (after stopService, or when it failed to start). */
  process: processRef.nullable(),
});

const stackState = z.object({
  dir: z.string(),
  /** Where the Kafka jars are cached; startService needs it again. */
  cacheDir: z.string(),
  createdAt: z.string(),
  /** The process whose exit ends a 'session' stack; null for a detached one. */
  owner: processRef.nullable(),
  /** Services in start order; stop goes in reverse. */
  services: z.array(z.object({ name: z.string().refine(isServiceName, 'must be a service of the stack') }).extend(serviceState.shape)),
});

export type ServiceState = z.infer<typeof stackState>['services'][number];
export type StackState = z.infer<typeof stackState>;

export function stateFile(dir: string): string {
  return join(dir, 'state.json');
}

/**
 * state.json is the stack's single source of truth: the test runner, test workers that restart a service,
 * and the deploy CLI all read it fresh before acting, so whoever started a process last is never missed.
 */
export function readState(dir: string): StackState {
  const file = stateFile(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StackStateError(file, 'the file cannot be read', { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StackStateError(file, 'the file is not JSON', { cause: error });
  }
  const parsed = parseWith(stackState, json);
  if (!parsed.ok) throw new StackStateError(file, `it does not describe a stack:\n${formatProblems(parsed.problems)}\n`);
  return parsed.value;
}

/**
 * Written to a temporary file and renamed, so a reader never sees half a file. Readable by the owner only:
 * it holds the services' generated secrets (the Kafka admin's and ClickHouse's passwords).
 */
export function writeState(state: StackState): void {
  const file = stateFile(state.dir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
