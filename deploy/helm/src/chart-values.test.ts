import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/products';
import { describe, expect, it } from 'vitest';
import { generatedChartFiles, kubernetesNameOf, staleChartFiles, strimziAcls } from './chart-values';

describe("the chart's generated files", () => {
  it('match what the contracts and domains generate (run `npm run helm:values` when this fails)', async () => {
    const problems = staleChartFiles(REPO_ROOT, await generatedChartFiles(REPO_ROOT));
    expect(problems, problems.join('\n')).toEqual([]);
  }, 60_000);

  it('name a stale or missing file and the command that refreshes it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'fieldmesh-chart-'));
    const [first, second] = await generatedChartFiles(REPO_ROOT);
    mkdirSync(dirname(join(copy, first!.path)), { recursive: true });
    writeFileSync(join(copy, first!.path), `${first!.content}# hand edit\n`);
    expect(staleChartFiles(copy, [first!, second!])).toEqual([
      `${first!.path} is stale: it differs from what ${first!.source} generates. Run \`npm run helm:values\` and commit the result; do not edit it by hand.`,
      `${second!.path} is missing: it is generated from ${second!.source}. Run \`npm run helm:values\` and commit the result.`,
    ]);
  }, 60_000);
});

describe('strimziAcls', () => {
  it("groups a principal's operations per resource pattern, spelled as Strimzi's KafkaUser takes them", () => {
    const principal = 'User:fieldmesh-domain-energy';
    expect(
      strimziAcls([
        { principal, resourceType: 'TOPIC', resourceName: 'energy.consumption-15m.v1', patternType: 'LITERAL', operation: 'WRITE' },
        { principal, resourceType: 'TOPIC', resourceName: 'energy.consumption-15m.v1', patternType: 'LITERAL', operation: 'DESCRIBE_CONFIGS' },
        { principal, resourceType: 'GROUP', resourceName: 'energy.', patternType: 'PREFIXED', operation: 'READ' },
        { principal, resourceType: 'TOPIC', resourceName: 'energy.consumption-15m.v1', patternType: 'LITERAL', operation: 'WRITE' },
      ]),
    ).toEqual([
      { resource: { type: 'group', name: 'energy.', patternType: 'prefix' }, operations: ['Read'], host: '*' },
      { resource: { type: 'topic', name: 'energy.consumption-15m.v1', patternType: 'literal' }, operations: ['DescribeConfigs', 'Write'], host: '*' },
    ]);
  });
});

describe('kubernetesNameOf', () => {
  it('keeps a product topic and makes an internal one a valid resource name', () => {
    expect(kubernetesNameOf('plant.telemetry.raw.v1.dlq')).toBe('plant.telemetry.raw.v1.dlq');
    expect(kubernetesNameOf('_fieldmesh.lineage')).toBe('fieldmesh.lineage');
  });
});
