import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelRegistry, OnnxModel } from '@fieldmesh/ml';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyOperator } from '../src/index';
import { recordSimulation } from './recording';

// Trains with the real Python toolchain: setup-venv.sh installs the pinned requirements when missing.
describe('tools/ml/train.py on recorded normal operation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-health-train-'));
  const models = join(dir, 'models');
  let printed: string;

  beforeAll(() => {
    const csv = recordSimulation(dir, { name: 'normal', durationSeconds: 3600, seed: 3, linesPerSite: 3, failures: [] });
    const python = execFileSync('bash', [join(REPO_ROOT, 'tools/ml/setup-venv.sh')], { encoding: 'utf8' }).trim();
    const train = (version?: string) =>
      execFileSync(
        python,
        ['tools/ml/train.py', '--recording', csv, '--asset-class', 'pump', '--models-dir', models, '--applicable', 'load.min>=20', ...(version ? ['--version', version] : [])],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        },
      );
    printed = train();
    train();
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a new model version with a card the registry validates, each run the next version', () => {
    expect(printed).toMatch(/asset-health-pump 1\.0\.0: 42 features/);
    const registry = new FileModelRegistry(models);
    expect(registry.versions('asset-health-pump')).toEqual(['1.0.0', '1.1.0']);
    const card = registry.get('asset-health-pump').card;
    expect(card.version).toBe('1.1.0');
    expect(card.labels).toMatchObject({ assetClass: 'pump', featureWindowMs: '10000' });
    expect(card.inputs.features).toContain('bearing_temperature.mean');
    expect(card.applicability).toEqual([
      { feature: 'readingCount', min: 35 },
      { feature: 'load.min', min: 20 },
    ]);
    expect(card.trainingData.command).toContain('tools/ml/train.py --recording');
    expect(card.metrics.onnxMaxRelativeDeviation).toBeLessThan(1e-3);
  });

  it('produces a model the operator loads and whose training-mean input scores as normal', async () => {
    const entry = new FileModelRegistry(models).get('asset-health-pump');
    const model = await OnnxModel.load(entry);
    try {
      const { scores } = await model.score(Float32Array.from(entry.card.trainingData.featureStats.map((stats) => stats.mean)));
      expect(scores[0]).toBeLessThan(entry.card.threshold);
    } finally {
      await model.close();
    }
    const operator = await AnomalyOperator.create({ registry: new FileModelRegistry(models), windowMs: 10_000 });
    expect(operator.models()).toEqual({ pump: { champion: 'asset-health-pump@1.1.0' } });
    await operator.close();
  });
});
