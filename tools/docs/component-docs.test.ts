import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configExamples } from '@fieldmesh/connect';
import { connectorCatalog } from '@fieldmesh/edge-gateway';
import { describe, expect, it } from 'vitest';
import { checkGeneratedFiles, findConnectorSpecs, generatedFiles } from './component-docs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('generated docs and JSON Schema', () => {
  it('match what the connector specs generate (run `npm run docs:generate` when this fails)', async () => {
    const problems = checkGeneratedFiles(root, await generatedFiles(root));
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('cover every connector spec, sink as well as source, and every source the gateway runs', async () => {
    const specs = await findConnectorSpecs(root);
    expect(specs.map(({ spec, specFile }) => [spec.name, spec.kind, specFile])).toEqual(
      expect.arrayContaining([
        ['clickhouse', 'sink', 'connectors/clickhouse-sink/src/spec.ts'],
        ['mqtt', 'source', 'connectors/mqtt/src/spec.ts'],
        ['opcua', 'source', 'connectors/opcua/src/spec.ts'],
      ]),
    );
    const files = (await generatedFiles(root)).map((file) => file.path);
    for (const type of Object.keys(connectorCatalog)) expect(files).toContain(`docs/components/${type}.md`);
  });

  it("show examples each connector's schema accepts", async () => {
    for (const { spec } of await findConnectorSpecs(root)) {
      for (const { variant, config } of configExamples(spec.config)) {
        const result = spec.config.safeParse(config);
        expect(result.success, `${spec.name} example ${variant ?? ''}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
      }
    }
  });

  it('name each stale, missing or orphaned file and the command that refreshes it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'fieldmesh-docs-'));
    const [first, second, ...rest] = await generatedFiles(root);
    mkdirSync(join(copy, 'docs/components'), { recursive: true });
    mkdirSync(join(copy, 'edge-gateway'), { recursive: true });
    writeFileSync(join(copy, first!.path), `${first!.content}hand edit\n`);
    for (const file of rest) writeFileSync(join(copy, file.path), file.content);
    writeFileSync(join(copy, 'docs/components/removed.md'), '# removed\n');
    expect(checkGeneratedFiles(copy, [first!, second!, ...rest])).toEqual([
      `${first!.path} is stale: it differs from what ${first!.source} generates. Run \`npm run docs:generate\` and commit the result; do not edit it by hand.`,
      `${second!.path} is missing: it is generated from ${second!.source}. Run \`npm run docs:generate\` and commit the result.`,
      'docs/components/removed.md is generated from no connector spec any more. Run `npm run docs:generate`, which removes it.',
    ]);
  });
});
