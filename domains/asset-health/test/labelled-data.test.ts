import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { evaluatePredictions, FileModelRegistry, type Evaluation } from '@fieldmesh/ml';
import { REPO_ROOT } from '@fieldmesh/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertingSchema, featureWindowSpec, recordingFiles, runBacktest } from '../src/index';

const SIGNALS = 'Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Temperature,Thermocouple,Voltage,Volume Flow RateRMS';

// Brings SKAB-layout runs (tools/ml/skab_like.py: each run its own normal level, one failure episode after
// a normal start) through the user's path: data import, features export, train.py, backtest, evaluate.
describe('bring your own labelled data: SKAB-layout runs with levels that differ between runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-health-labelled-'));
  // Steps that do not depend on each other run side by side: the test waits on process start-ups, not CPU.
  const run = promisify(execFile);
  const tsx = (...args: string[]) => run(join(REPO_ROOT, 'node_modules/.bin/tsx'), args, { cwd: REPO_ROOT });
  let python: string;
  const evaluate = async (name: string, ...trainOptions: string[]): Promise<Evaluation> => {
    const models = join(dir, name);
    await run(
      python,
      ['tools/ml/train.py', '--features', join(dir, 'train-features.csv'), '--asset-class', 'pump', '--models-dir', models, '--threshold-quantile', '0.99', ...trainOptions],
      { cwd: REPO_ROOT },
    );
    const result = await runBacktest({
      files: recordingFiles(join(dir, 'test.csv')),
      modelsDir: models,
      spec: featureWindowSpec(),
      alerting: alertingSchema.parse({}),
      predictions: true,
    });
    return evaluatePredictions(result.predictions);
  };
  let pooled: Evaluation;
  let baseline: Evaluation;
  let autoencoder: Evaluation;

  beforeAll(async () => {
    python = execFileSync('bash', [join(REPO_ROOT, 'tools/ml/setup-venv.sh')], { encoding: 'utf8' }).trim();
    execFileSync(python, ['tools/ml/skab_like.py', '--out', join(dir, 'runs'), '--runs', '6', '--seconds', '900', '--seed', '5'], { cwd: REPO_ROOT });
    const files = ['valve1', 'valve2', 'other'].flatMap((folder) => readdirSync(join(dir, 'runs', folder)).map((file) => join(dir, 'runs', folder, file)));
    const importRuns = (out: string, runs: string[]) =>
      tsx(
        'contracts/cli/src/main.ts',
        'data',
        'import',
        ...runs,
        '--out',
        out,
        '--asset-class',
        'pump',
        '--timezone',
        'Europe/Moscow',
        '--delimiter',
        ';',
        '--time-column',
        'datetime',
        '--label-column',
        'anomaly',
        '--columns',
        SIGNALS,
      );
    await Promise.all([
      importRuns(
        join(dir, 'train.csv'),
        files.filter((file) => file.endsWith('0.csv')),
      ).then(() => tsx('domains/asset-health/src/features-export.ts', '--recording', join(dir, 'train.csv'), '--out', join(dir, 'train-features.csv'))),
      importRuns(
        join(dir, 'test.csv'),
        files.filter((file) => file.endsWith('1.csv')),
      ),
    ]);
    [pooled, baseline, autoencoder] = await Promise.all([
      evaluate('pooled'),
      evaluate('baseline', '--baseline-windows', '30'),
      evaluate('autoencoder', '--family', 'autoencoder', '--baseline-windows', '30'),
    ]);
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates every timestamp of the test runs, each run on its own timeline', () => {
    expect(baseline.assets).toBe(3);
    expect(baseline.pointwise.points).toBe(3 * 900);
    expect(baseline.episodes.episodes).toBe(3);
  });

  it('trained on three runs, one pooled model flags the other runs’ own levels; per-asset baselines do not', () => {
    expect(pooled.pointwise.falseAlarmRate).toBeGreaterThan(0.15);
    expect(baseline.pointwise.falseAlarmRate).toBeLessThanOrEqual(0.15);
    expect(baseline.pointwise.f1).toBeGreaterThanOrEqual(0.8);
    expect(baseline.episodes.detected).toBe(3);
  });

  it('serves the autoencoder family through ONNX as well, judged by the same backtest', () => {
    expect(new FileModelRegistry(join(dir, 'autoencoder')).get('asset-health-pump').card.algorithm.name).toBe('autoencoder');
    expect(autoencoder.pointwise.f1).toBeGreaterThanOrEqual(0.8);
    expect(autoencoder.pointwise.falseAlarmRate).toBeLessThanOrEqual(0.15);
  });

  it('writes the baseline into the model card, so the operator centres each asset the same way', () => {
    expect(new FileModelRegistry(join(dir, 'baseline')).get('asset-health-pump').card.baseline).toEqual({ windows: 30 });
  });
});
