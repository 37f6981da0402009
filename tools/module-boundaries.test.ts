import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The fixture is a tiny Nx workspace with two domains, one importing the other, linted with the
// project's own depConstraints (eslint.config.js). The rule needs Nx's project graph, so build it first.
const root = join(import.meta.dirname, '..');
const fixture = join(import.meta.dirname, 'lint-fixtures', 'cross-domain-import');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

function lint(path: string) {
  execFileSync(bin('nx'), ['show', 'projects'], { cwd: fixture, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'pipe' });
  return spawnSync(bin('eslint'), [path], { cwd: fixture, encoding: 'utf8' });
}

describe('module boundaries', () => {
  it('rejects a domain that imports another domain', () => {
    const result = lint('domains/beta');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('@nx/enforce-module-boundaries');
    expect(result.stdout).toContain('A project tagged with "scope:domain" can only depend on libs tagged with "scope:platform", "scope:connectors"');
  });

  it('accepts a domain that imports no other domain', () => {
    const result = lint('domains/alpha');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('rejects a deploy package that imports beyond its tag (the simulator: platform only)', () => {
    const result = lint('deploy/simulator');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('A project tagged with "scope:deploy-simulator" can only depend on libs tagged with "scope:platform"');
  });

  it("rejects the console importing a domain's main entry and accepts the module the domain publishes for it", () => {
    const internal = lint('deploy/console/src/internal.ts');
    expect(internal.status).toBe(1);
    expect(internal.stdout).toContain("'@fieldmesh/domain-asset-health' import is restricted");
    const published = lint('deploy/console/src/public.ts');
    expect(published.stdout).toBe('');
    expect(published.status).toBe(0);
  });

  it('rejects runtime code importing the test helpers and accepts a test beside it doing so', () => {
    const runtime = lint('domains/gamma/src/index.ts');
    expect(runtime.status).toBe(1);
    expect(runtime.stdout).toContain("'@fieldmesh/testing' import is restricted");
    const test = lint('domains/gamma/src/gamma.test.ts');
    expect(test.stdout).toBe('');
    expect(test.status).toBe(0);
  });
});
