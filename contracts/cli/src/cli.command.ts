import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: results to `out` (stdout), progress and diagnostics to `err` (stderr). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** One `fieldmesh <group> <verb>` command. Exit codes: 0 fine, 1 problems found or failed, 2 wrong usage. */
export interface CliCommand {
  group: string;
  verb: string;
  summary: string;
  /** The full `--help` text. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments it takes after `<group> <verb>`. */
  positionals: { min: number; max: number };
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** A wrong command line: the message says what is wrong; the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
