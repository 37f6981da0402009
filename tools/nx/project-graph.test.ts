import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('the Nx project graph', () => {
  it('makes the pipeline depend on every domain under domains/, which it finds at run time rather than imports', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fm-nx-graph-')), 'graph.json');
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'pipe' });
    const graph = (JSON.parse(readFileSync(file, 'utf8')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } }).graph;
    const domains = readdirSync(join(root, 'domains')).map((name) => (JSON.parse(readFileSync(join(root, 'domains', name, 'package.json'), 'utf8')) as { name: string }).name);
    const pipelineDependsOn = new Set(graph.dependencies['@fieldmesh/pipeline']?.map((dependency) => dependency.target));
    expect(domains.length).toBeGreaterThanOrEqual(3);
    for (const domain of domains) expect(pipelineDependsOn, domain).toContain(domain);
  }, 60_000);
});
