import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssetsNotGiven,
  ChampionShadowScorer,
  DriftMonitor,
  FileModelRegistry,
  ModelCardInvalid,
  ModelLoadFailed,
  ModelNotFound,
  OnnxModel,
  prepareBatch,
  type ModelCard,
} from './index';

const models = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/models');
const registry = new FileModelRegistry(models);

/** Normal rows of the tiny model: b.mean = 2 × a.mean, c.std about 0.5, a full window of readings. */
function normalRow(a: number, changes: Record<string, number> = {}): Record<string, number> {
  return { 'a.mean': a, 'b.mean': 2 * a, 'c.std': 0.5, readingCount: 30, ...changes };
}

describe('FileModelRegistry', () => {
  it('lists versions oldest first and resolves champion and shadow through aliases', () => {
    expect(registry.names()).toEqual(['tiny']);
    expect(registry.versions('tiny')).toEqual(['1.0.0', '1.1.0']);
    expect(registry.get('tiny').version).toBe('1.0.0');
    expect(registry.shadow('tiny')?.version).toBe('1.1.0');
    expect(registry.get('tiny', '1.1.0').card.inputs.features).toEqual(['a.mean', 'b.mean', 'c.std']);
  });

  it('names the available versions when a model or version is missing', () => {
    expect(() => registry.get('tiny', '9.9.9')).toThrow(ModelNotFound);
    expect(() => registry.get('tiny', '9.9.9')).toThrow(/tiny@1.0.0, tiny@1.1.0/);
    expect(() => registry.get('pump')).toThrow(/not in the registry/);
  });

  it('rejects a card whose fields do not validate, naming the field', () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldmesh-ml-'));
    try {
      cpSync(join(models, 'tiny/1.0.0'), join(root, 'tiny/1.0.0'), { recursive: true });
      writeFileSync(join(root, 'tiny/1.0.0/model-card.yaml'), 'name: tiny\nversion: 1.0.0\nthreshold: -1\n');
      expect(() => new FileModelRegistry(root).get('tiny')).toThrow(ModelCardInvalid);
      expect(() => new FileModelRegistry(root).get('tiny')).toThrow(/threshold/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('OnnxModel', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await OnnxModel.load(registry.get('tiny'), { maxBatchRows: 4 });
  });
  afterAll(async () => model.close());

  it('scores normal rows below the threshold and a broken relation above it, naming the features involved', async () => {
    const rows = [normalRow(8), normalRow(10), normalRow(12), normalRow(10, { 'b.mean': 26 })];
    const batch = prepareBatch(model.card, rows);
    const { scores, contributions } = await model.score(batch.matrix);
    expect([...scores.subarray(0, 3)].every((s) => s < model.card.threshold)).toBe(true);
    expect(scores[3]).toBeGreaterThan(model.card.threshold);
    const terms = [...contributions!.subarray(9, 12)];
    expect(terms[2]).toBeLessThan(Math.min(terms[0]!, terms[1]!));
    expect(terms.reduce((sum, t) => sum + t, 0)).toBeCloseTo(scores[3]!, 3);
  });

  it('gives the same scores whether rows come in one call or split across batches', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => normalRow(6 + i));
    const all = await model.score(prepareBatch(model.card, rows).matrix);
    const one = await Promise.all(rows.map(async (row) => (await model.score(prepareBatch(model.card, [row]).matrix)).scores[0]));
    expect([...all.scores].map((s) => s.toFixed(4))).toEqual(one.map((s) => s!.toFixed(4)));
  });

  it('refuses a model file whose graph does not match its card', async () => {
    const entry = registry.get('tiny');
    const card: ModelCard = { ...entry.card, inputs: { ...entry.card.inputs, tensor: 'other' } };
    await expect(OnnxModel.load({ ...entry, card })).rejects.toThrow(ModelLoadFailed);
    await expect(OnnxModel.load({ ...entry, card })).rejects.toThrow(/graph has inputs features/);
  });
});

describe('prepareBatch', () => {
  const card = registry.get('tiny').card;

  it('scores missing features at their training mean and says which', () => {
    const batch = prepareBatch(card, [{ 'a.mean': 10, 'b.mean': 20, readingCount: 30 }]);
    expect(batch.imputed).toEqual([['c.std']]);
    expect(batch.matrix[2]).toBeCloseTo(card.trainingData.featureStats[2]!.mean, 5);
  });

  it('leaves rows outside the applicability unscored', () => {
    expect(card.applicability).toEqual([{ feature: 'readingCount', min: 15 }]);
    const batch = prepareBatch(card, [normalRow(10), normalRow(10, { readingCount: 3 }), { 'a.mean': 10, 'b.mean': 20, 'c.std': 0.5 }]);
    expect(batch.sources).toEqual([0]);
    expect(batch.notApplicable).toEqual([1, 2]);
  });
});

describe('DriftMonitor', () => {
  const card = registry.get('tiny').card;
  const matrixOf = (rows: Record<string, number>[]) => prepareBatch(card, rows).matrix;

  it('reports no drift on data like the training data and names a shifted feature', () => {
    const monitor = new DriftMonitor(card, { windowRows: 500 });
    // Deterministic spread over the training range of a.mean (mean 10, std 2).
    const quantile = (i: number) => Math.SQRT2 * inverseErf(((i + 0.5) / 500) * 2 - 1);
    const like = Array.from({ length: 500 }, (_, i) => normalRow(10 + 2 * quantile(i), { 'c.std': 0.5 + 0.05 * quantile((i * 7) % 500) }));
    const [steady] = monitor.observe(matrixOf(like));
    expect(steady?.drifted).toEqual([]);
    const shifted = like.map((row) => ({ ...row, 'c.std': 0.8 }));
    const [report] = monitor.observe(matrixOf(shifted));
    expect(report?.drifted).toEqual(['c.std']);
    expect(report?.features.find((f) => f.feature === 'c.std')?.meanShift).toBeGreaterThan(5);
  });
});

describe('ChampionShadowScorer', () => {
  it('scores champion and shadow on the same rows and counts where they disagree', async () => {
    const champion = await OnnxModel.load(registry.get('tiny'));
    const shadow = await OnnxModel.load(registry.get('tiny', 'shadow'));
    const scorer = new ChampionShadowScorer(champion, shadow, { topContributors: 2 });
    try {
      // 1.1.0 has a threshold about 2.5× lower: a moderate deviation alerts only there.
      const { champion: c, shadow: s } = await scorer.score([normalRow(10), normalRow(10, { 'b.mean': 20.8 }), normalRow(10, { 'b.mean': 30 })]);
      expect(c.map((r) => r?.anomalous)).toEqual([false, false, true]);
      expect(s.map((r) => r?.anomalous)).toEqual([false, true, true]);
      expect(s[0]?.role).toBe('SHADOW');
      expect(c[2]?.contributors.map((x) => x.feature).sort()).toEqual(['a.mean', 'b.mean']);
      expect(scorer.comparison()).toMatchObject({ champion: 'tiny@1.0.0', shadow: 'tiny@1.1.0', rows: 3, bothAnomalous: 1, championOnly: 0, shadowOnly: 1 });
      expect(scorer.stats()).toMatchObject({ rows: 3, scored: 3, anomalous: 1 });
    } finally {
      await scorer.close();
    }
  });
});

describe('ChampionShadowScorer with a per-asset baseline', () => {
  it("holds each asset's first windows back, then scores it relative to its own level", async () => {
    const root = mkdtempSync(join(tmpdir(), 'fieldmesh-ml-baseline-'));
    cpSync(join(models, 'tiny/1.0.0'), join(root, 'tiny/1.0.0'), { recursive: true });
    appendFileSync(join(root, 'tiny/1.0.0/model-card.yaml'), 'baseline:\n  windows: 2\n');
    const scorer = new ChampionShadowScorer(await OnnxModel.load(new FileModelRegistry(root).get('tiny')), undefined);
    try {
      const low = [normalRow(10), normalRow(10), normalRow(11)];
      const high = [normalRow(30), normalRow(30), normalRow(31)];
      const { champion } = await scorer.score([...low, ...high], [...low.map(() => 'run-1'), ...high.map(() => 'run-2')]);
      expect(champion.map((r) => r !== undefined)).toEqual([false, false, true, false, false, true]);
      // The same step above each run's own level scores the same, whatever the level.
      expect(champion[5]!.score).toBeCloseTo(champion[2]!.score, 4);
      await expect(scorer.score([normalRow(10)])).rejects.toThrow(AssetsNotGiven);
    } finally {
      await scorer.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Inverse error function (Giles' approximation), enough to lay out normal quantiles for a test. */
function inverseErf(x: number): number {
  const w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    const t = w - 2.5;
    p = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941].reduce((acc, c) => acc * t + c, 0);
  } else {
    const t = Math.sqrt(w) - 3;
    p = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682].reduce((acc, c) => acc * t + c, 0);
  }
  return p * x;
}
