import { join } from 'node:path';
import { alertingSchema, type BacktestMetrics, type BacktestResult, DEFAULT_MODELS_DIR, featureWindowSpec, recordingFiles, runBacktest } from '@fieldmesh/domain-asset-health';
import { type AssetClass, buildPlant, FAILURE_MODES, type FailureMode, MODE_CLASSES, parseSimulatorConfig, type Plant, recordPlant } from '@fieldmesh/simulator';
import { CoverageEpisodeUnlabelled } from './errors';

/** The controlled variation: every failure mode on every class that can have it, at each severity and for each length. */
export interface CoverageVariation {
  severities: readonly number[];
  durationsSeconds: readonly number[];
  /**
   * Plant seconds an asset runs healthy between two episodes: a hot bearing cools (its thermal lag is 240 s)
   * and the alert of the last episode closes itself, so each episode is judged on its own.
   */
  restSeconds: number;
}

export const DEFAULT_VARIATION: CoverageVariation = { severities: [0.5, 0.75, 1], durationsSeconds: [240, 480], restSeconds: 900 };

/** Healthy plant seconds before the first episode on any asset. */
const LEAD_IN_SECONDS = 300;

export interface CoverageEpisode {
  asset: string;
  assetClass: AssetClass;
  mode: FailureMode;
  severity: number;
  /** Onset, in plant seconds after the recording's start. */
  at: number;
  duration: number;
}

/**
 * Labelled failure episodes for every failure mode on every asset class that can have it, in every severity
 * and duration of `variation`. Each class's assets take them in turn, one after another with a rest between;
 * onsets move 0–9 s against the 10 s feature windows (7 s further each episode), so no mode is judged on one
 * phase only. Returns the schedule and the plant seconds it spans (with a rest after the last).
 */
export function coverageSchedule(plant: Plant, variation: CoverageVariation = DEFAULT_VARIATION): { episodes: CoverageEpisode[]; durationSeconds: number } {
  const freeAt = new Map(plant.assets.map((asset) => [asset.path, LEAD_IN_SECONDS]));
  const episodes: CoverageEpisode[] = [];
  for (const mode of FAILURE_MODES) {
    for (const assetClass of MODE_CLASSES[mode]) {
      const assets = plant.assets.filter((asset) => asset.assetClass === assetClass);
      let turn = 0;
      for (const severity of variation.severities) {
        for (const duration of variation.durationsSeconds) {
          const asset = assets[turn % assets.length];
          turn += 1;
          if (!asset) continue;
          const at = freeAt.get(asset.path)! + ((episodes.length * 7) % 10);
          episodes.push({ asset: asset.path, assetClass, mode, severity, at, duration });
          freeAt.set(asset.path, at + duration + variation.restSeconds);
        }
      }
    }
  }
  return { episodes, durationSeconds: Math.max(...freeAt.values()) };
}

export interface Tally {
  episodes: number;
  detected: number;
}

export interface ModeCoverage extends Tally {
  mode: FailureMode;
  recall: number;
  medianDelaySeconds: number | null;
  bySeverity: Record<string, Tally>;
  byClass: Record<string, Tally>;
}

/**
 * Per failure mode: how many of its episodes the backtest detected, overall, per severity and per asset
 * class (the backtest's outcomes matched to the schedule by asset and onset), and the backtest's median delay.
 */
export function coverageByMode(episodes: readonly CoverageEpisode[], metrics: Pick<BacktestMetrics, 'outcomes' | 'byMode'>, startTimeMs: number): ModeCoverage[] {
  const detectedAt = new Map(metrics.outcomes.map((outcome) => [`${outcome.episode.assetPath}@${outcome.episode.startMs}`, outcome.alertId !== undefined]));
  const count = (tally: Tally | undefined, detected: boolean): Tally => ({ episodes: (tally?.episodes ?? 0) + 1, detected: (tally?.detected ?? 0) + (detected ? 1 : 0) });
  return FAILURE_MODES.map((mode) => {
    let total: Tally = { episodes: 0, detected: 0 };
    const bySeverity: Record<string, Tally> = {};
    const byClass: Record<string, Tally> = {};
    for (const episode of episodes.filter((candidate) => candidate.mode === mode)) {
      const startMs = startTimeMs + episode.at * 1000;
      const detected = detectedAt.get(`${episode.asset}@${startMs}`);
      if (detected === undefined) throw new CoverageEpisodeUnlabelled(mode, episode.asset, startMs);
      total = count(total, detected);
      bySeverity[String(episode.severity)] = count(bySeverity[String(episode.severity)], detected);
      byClass[episode.assetClass] = count(byClass[episode.assetClass], detected);
    }
    return {
      mode,
      ...total,
      recall: total.episodes > 0 ? total.detected / total.episodes : 0,
      medianDelaySeconds: metrics.byMode[mode]?.medianDelaySeconds ?? null,
      bySeverity,
      byClass,
    };
  });
}

/** A fixed start, so that the same seed gives the same recording and the same figures. */
const START_TIME_MS = 1_795_000_000_000;

/**
 * Records the coverage schedule on the default plant (2 lines of a compressor, pump, motor and conveyor) with
 * the simulator's physics and this seed into `<out>/coverage-seed-<seed>.csv` (with its mapping and labels),
 * backtests it with the models of `modelsDir` and tallies the outcomes per mode.
 */
export async function measureFailureCoverage(options: { seed: number; out: string; modelsDir?: string }): Promise<{
  csv: string;
  episodes: CoverageEpisode[];
  rows: ModeCoverage[];
  result: BacktestResult;
}> {
  const plantShape = parseSimulatorConfig({}).plant;
  const { episodes, durationSeconds } = coverageSchedule(buildPlant(plantShape));
  const config = parseSimulatorConfig(
    {
      seed: options.seed,
      startTimeMs: START_TIME_MS,
      plant: plantShape,
      rate: 1,
      durationSeconds,
      failures: episodes.map(({ asset, mode, at, duration, severity }) => ({ asset, mode, at, duration, severity })),
    },
    'failure coverage',
  );
  const csv = join(options.out, `coverage-seed-${options.seed}.csv`);
  recordPlant(config, csv);
  const result = await runBacktest({
    files: recordingFiles(csv),
    modelsDir: options.modelsDir ?? DEFAULT_MODELS_DIR,
    spec: featureWindowSpec(),
    alerting: alertingSchema.parse({}),
  });
  return { csv, episodes, rows: coverageByMode(episodes, result.metrics, START_TIME_MS), result };
}
