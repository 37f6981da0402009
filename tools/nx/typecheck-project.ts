import { globSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Type-checks one package: its files of the root tsconfig.json with the repo's options (what
 * `npm run typecheck` checks for it), plus any tsconfig.json of its own (the console's web app).
 * Errors in other packages' files that it imports are theirs, reported by their own typecheck.
 *
 *   npx tsx tools/nx/typecheck-project.ts platform/kafka
 */
const root = resolve(import.meta.dirname, '../..');
const projectRoot = process.argv[2];
if (!projectRoot) throw new Error('Name the package to check, e.g. npx tsx tools/nx/typecheck-project.ts platform/kafka');
const project = resolve(root, projectRoot);
const inProject = (file: string) => !relative(project, file).startsWith('..');

function check(tsconfigPath: string, only: (file: string) => boolean): readonly ts.Diagnostic[] {
  const { config } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, resolve(tsconfigPath, '..'), undefined, tsconfigPath);
  const program = ts.createProgram({ rootNames: parsed.fileNames.filter(only), options: parsed.options });
  return ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file === undefined || inProject(diagnostic.file.fileName));
}

const nested = globSync('**/tsconfig.json', { cwd: project, exclude: (path) => path.includes('node_modules') }).map((path) => join(project, path));
const diagnostics = [check(join(root, 'tsconfig.json'), inProject), ...nested.map((path) => check(path, () => true))].flat();
const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (file) => file, getCurrentDirectory: () => root, getNewLine: () => '\n' };
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exitCode = 1;
}
