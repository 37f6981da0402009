import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Problem } from '@fieldmesh/config';
import { checkContract, validateRecord, type LoadedContract } from '@fieldmesh/governance';
import type { CliCommand } from '../cli.command';
import { rootOf } from '../connection.options';
import { contractFiles } from '../contracts.selection';
import { formatTable } from '../table.format';

interface LintProblem extends Problem {
  file: string;
}

/**
 * `examples/<product>/valid/*.json` must pass the contract's schema and rules; `invalid/<field>--<why>.json`
 * must fail naming that field, so the examples document the rules and keep them honest.
 */
function exampleProblems(root: string, loaded: LoadedContract, contractFile: string): LintProblem[] {
  const dir = join(dirname(contractFile), 'examples', basename(contractFile, '.yaml'));
  const problems: LintProblem[] = [];
  for (const kind of ['valid', 'invalid'] as const) {
    if (!existsSync(join(dir, kind))) continue;
    for (const name of readdirSync(join(dir, kind))
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = relative(root, join(dir, kind, name));
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(readFileSync(join(dir, kind, name), 'utf8')) as Record<string, unknown>;
      } catch (error) {
        problems.push({ file, path: '(root)', message: `not valid JSON: ${(error as Error).message}` });
        continue;
      }
      const found = validateRecord(loaded, record);
      if (kind === 'valid') problems.push(...found.map((p) => ({ file, path: p.path, message: `valid example is rejected: ${p.message}` })));
      else {
        const field = name.split('--')[0]!;
        if (!found.some((p) => p.path === field))
          problems.push({ file, path: field, message: `invalid example is not rejected for '${field}' (problems found: ${found.map((p) => p.path).join(', ') || 'none'})` });
      }
    }
  }
  return problems;
}

/** Problems between contracts: one topic or id claimed twice, an upstream no contract publishes. */
function crossContractProblems(loaded: Array<{ file: string; contract: LoadedContract }>): LintProblem[] {
  const problems: LintProblem[] = [];
  const byTopic = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const { file, contract } of loaded) {
    const { id, kafka } = contract.contract;
    if (byTopic.has(kafka.topic)) problems.push({ file, path: 'kafka.topic', message: `${kafka.topic} is already the topic of ${byTopic.get(kafka.topic)}` });
    if (byId.has(id)) problems.push({ file, path: 'id', message: `${id} is already the id of ${byId.get(id)}` });
    byTopic.set(kafka.topic, file);
    byId.set(id, file);
  }
  for (const { file, contract } of loaded) {
    contract.contract.upstream.forEach((upstream, i) => {
      if (!byTopic.has(upstream)) problems.push({ file, path: `upstream.${i}`, message: `no contract publishes ${upstream} (upstream names the topic of another data product)` });
    });
  }
  return problems;
}

export const contractsLintCommand: CliCommand = {
  group: 'contracts',
  verb: 'lint',
  summary: 'load and validate every contract and its examples, reporting each problem with its file and field',
  help: `Usage: fieldmesh contracts lint [--root <dir>] [--json]

Checks every contracts/<domain>/<product>.yaml: the contract format, its Avro schema (schemas/…), that
both agree (every field documented, key and rule fields exist, topic version = contract major), that no
two contracts claim one topic or id, that every upstream is a topic some contract publishes, and that the
examples in contracts/<domain>/examples/<product>/ behave: valid/*.json pass, invalid/<field>--<why>.json
are rejected naming <field>.

Options:
  --root <dir>   where contracts/ and schemas/ are (default: the current directory)
  --json         print the problems as JSON ([{file, path, message}])
  -h, --help     this text

Exit code 1 when a problem is found. Needs no running service.`,
  options: { root: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const root = rootOf(args, io);
    const files = await contractFiles(root);
    const problems: LintProblem[] = [];
    const loaded: Array<{ file: string; contract: LoadedContract }> = [];
    for (const path of files) {
      const file = relative(root, path);
      const result = checkContract(file, readFileSync(path, 'utf8'), root);
      if (!result.ok) {
        problems.push(...result.problems.map((p) => ({ file, ...p })));
        continue;
      }
      loaded.push({ file, contract: result.value });
      problems.push(...exampleProblems(root, result.value, path));
    }
    problems.push(...crossContractProblems(loaded));
    if (args.values.json) io.out(JSON.stringify(problems, null, 2));
    else if (problems.length === 0) io.out(`${files.length} contract(s) are valid, with their examples.`);
    else {
      io.out(
        formatTable(
          ['FILE', 'FIELD', 'PROBLEM'],
          problems.map((p) => [p.file, p.path, p.message]),
        ),
      );
      io.out(`\n${problems.length} problem(s); ${files.length} contract(s) checked.`);
    }
    return problems.length > 0 ? 1 : 0;
  },
};
