import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';

/**
 * Import cycles among the repo's own files, type-only imports included. ESLint's import-x/no-cycle
 * skips `import type`, so a cycle that only types close (errors.ts ↔ stream.types.ts) passes it;
 * such a cycle still ties two modules into one unit that neither can be read or moved without.
 */
export function findImportCycles(tsconfigPath: string, root: string): string[][] {
  const { config } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  const { fileNames, options } = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, tsconfigPath);
  const inRepo = (file: string) => !file.includes('/node_modules/') && !file.endsWith('.d.ts');
  const edges = new Map<string, string[]>();
  for (const file of fileNames.filter(inRepo)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
    const targets = importedFiles
      .map(({ fileName }) => ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((target): target is string => target !== undefined && inRepo(target));
    edges.set(file, [...new Set(targets)]);
  }
  return stronglyConnected(edges)
    .filter((component) => component.length > 1)
    .map((component) => component.map((file) => relative(root, file)).sort());
}

/** Tarjan's algorithm: every group of files that reach each other through imports. */
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      components.push(component);
    }
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return components;
}
