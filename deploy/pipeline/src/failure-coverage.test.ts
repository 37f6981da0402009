import { buildPlant, FAILURE_MODES, MODE_CLASSES } from '@fieldmesh/simulator';
import { describe, expect, it } from 'vitest';
import { coverageByMode, coverageSchedule, DEFAULT_VARIATION } from './failure-coverage';
import { CoverageEpisodeUnlabelled } from './errors';

const plant = buildPlant();
const START_MS = 1_795_000_000_000;

describe('coverageSchedule', () => {
  const { episodes, durationSeconds } = coverageSchedule(plant);

  it('gives every failure mode to every asset class that can have it, in every severity and length', () => {
    const variants = DEFAULT_VARIATION.severities.length * DEFAULT_VARIATION.durationsSeconds.length;
    for (const mode of FAILURE_MODES) {
      for (const assetClass of MODE_CLASSES[mode]) {
        const ofPair = episodes.filter((episode) => episode.mode === mode && episode.assetClass === assetClass);
        expect(ofPair.map((episode) => [episode.severity, episode.duration]).sort(), `${mode} on ${assetClass}`).toEqual(
          DEFAULT_VARIATION.severities.flatMap((severity) => DEFAULT_VARIATION.durationsSeconds.map((duration) => [severity, duration])).sort(),
        );
        expect(ofPair).toHaveLength(variants);
        // Both assets of the class take their turn.
        expect(new Set(ofPair.map((episode) => episode.asset)).size).toBe(2);
      }
    }
  });

  it('rests each asset between its episodes, spreads onsets over the 10 s windows, and ends with a rest after the last', () => {
    for (const asset of plant.assets) {
      const own = episodes.filter((episode) => episode.asset === asset.path);
      for (const [i, episode] of own.entries()) if (i > 0) expect(episode.at - (own[i - 1]!.at + own[i - 1]!.duration)).toBeGreaterThanOrEqual(DEFAULT_VARIATION.restSeconds);
      expect(durationSeconds).toBeGreaterThanOrEqual(own.at(-1)!.at + own.at(-1)!.duration + DEFAULT_VARIATION.restSeconds);
    }
    expect(new Set(episodes.map((episode) => episode.at % 10)).size).toBe(10);
  });
});

describe('coverageByMode', () => {
  const schedule = [
    { asset: 'a/b/c/line-1/pump-1', assetClass: 'pump', mode: 'leak', severity: 0.5, at: 300, duration: 240 },
    { asset: 'a/b/c/line-2/pump-1', assetClass: 'pump', mode: 'leak', severity: 1, at: 305, duration: 240 },
    { asset: 'a/b/c/line-1/compressor-1', assetClass: 'compressor', mode: 'leak', severity: 1, at: 302, duration: 480 },
  ] as const;
  const outcome = (index: number, alertId?: string) => ({
    episode: { id: `e${index}`, assetPath: schedule[index]!.asset, mode: 'leak', startMs: START_MS + schedule[index]!.at * 1000, endMs: 0 },
    ...(alertId ? { alertId } : {}),
  });

  it('counts the detected episodes of each mode per severity and per class, matched by asset and onset', () => {
    const rows = coverageByMode(
      schedule,
      { outcomes: [outcome(0), outcome(1, 'x'), outcome(2, 'y')], byMode: { leak: { episodes: 3, detected: 2, medianDelaySeconds: 20 } } },
      START_MS,
    );
    expect(rows.map((row) => row.mode)).toEqual([...FAILURE_MODES]);
    expect(rows.find((row) => row.mode === 'leak')).toEqual({
      mode: 'leak',
      episodes: 3,
      detected: 2,
      recall: 2 / 3,
      medianDelaySeconds: 20,
      bySeverity: { '0.5': { episodes: 1, detected: 0 }, '1': { episodes: 2, detected: 2 } },
      byClass: { pump: { episodes: 2, detected: 1 }, compressor: { episodes: 1, detected: 1 } },
    });
    expect(rows.find((row) => row.mode === 'cavitation')).toMatchObject({ episodes: 0, recall: 0, medianDelaySeconds: null });
  });

  it('refuses a backtest without an outcome for a scheduled episode (another recording)', () => {
    expect(() => coverageByMode(schedule, { outcomes: [outcome(0), outcome(1)], byMode: {} }, START_MS)).toThrow(CoverageEpisodeUnlabelled);
  });
});
