import type { AssetClass, SignalName } from './signal.catalog';

export const FAILURE_MODES = ['bearing_wear', 'overheating', 'leak', 'cavitation', 'stuck_sensor', 'drifting_sensor', 'spikes', 'dropout'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** Modes that change the machine itself; the others change only what a sensor reports. */
export const PROCESS_MODES: readonly FailureMode[] = ['bearing_wear', 'overheating', 'leak', 'cavitation'];

/** Which classes a mode can happen to: leaks need a pressurised side, cavitation a liquid pump. */
export const MODE_CLASSES: Record<FailureMode, readonly AssetClass[]> = {
  bearing_wear: ['compressor', 'pump', 'motor', 'conveyor'],
  overheating: ['compressor', 'pump', 'motor', 'conveyor'],
  leak: ['compressor', 'pump'],
  cavitation: ['pump'],
  stuck_sensor: ['compressor', 'pump', 'motor', 'conveyor'],
  drifting_sensor: ['compressor', 'pump', 'motor', 'conveyor'],
  spikes: ['compressor', 'pump', 'motor', 'conveyor'],
  dropout: ['compressor', 'pump', 'motor', 'conveyor'],
};

/** The signal a sensor fault hits when the episode names none; a dropout without one hits every signal. */
export const DEFAULT_FAULT_SIGNAL: Partial<Record<FailureMode, SignalName>> = {
  stuck_sensor: 'bearing_temperature',
  drifting_sensor: 'bearing_temperature',
  spikes: 'vibration_rms',
};

/** One failure episode: the ground truth that evaluation compares detections with. */
export interface FailureEpisode {
  id: string;
  assetPath: string;
  mode: FailureMode;
  /** The faulty sensor, for sensor modes. */
  signal?: SignalName;
  startMs: number;
  endMs: number;
  /**
   * How strong the failure is against the modelled one (1): its effects on the physics and the sensors scale
   * with it (half the added heat at 0.5). Absent means 1. A stuck sensor is stuck at any severity.
   */
  severity?: number;
}

/** An episode's severity: 1 unless it says otherwise. */
export function severityOf(episode: Pick<FailureEpisode, 'severity'>): number {
  return episode.severity ?? 1;
}

/** How active process failures change an asset's physics at one instant. */
export interface ProcessEffects {
  vibrationAdd: number;
  temperatureAdd: number;
  currentFactor: number;
  pressureFactor: number;
  flowFactor: number;
  loadAdd: number;
  /** Relative standard deviation of pressure fluctuation (cavitation). */
  pressureJitter: number;
}

export const NO_EFFECTS: ProcessEffects = {
  vibrationAdd: 0,
  temperatureAdd: 0,
  currentFactor: 1,
  pressureFactor: 1,
  flowFactor: 1,
  loadAdd: 0,
  pressureJitter: 0,
};

export function progressOf(episode: FailureEpisode, nowMs: number): number {
  const span = Math.max(1, episode.endMs - episode.startMs);
  return Math.min(1, Math.max(0, (nowMs - episode.startMs) / span));
}

/**
 * Combines the active process failures of one asset. Bearing wear grows over the episode (a worn
 * bearing gets worse); the others set in at once and the thermal lag of the physics smooths them.
 */
export function processEffects(episodes: readonly FailureEpisode[], nowMs: number): ProcessEffects {
  const effects = { ...NO_EFFECTS };
  for (const episode of episodes) {
    const progress = progressOf(episode, nowMs);
    const s = severityOf(episode);
    switch (episode.mode) {
      case 'bearing_wear':
        effects.vibrationAdd += s * (1 + 7 * progress);
        effects.temperatureAdd += s * (4 + 18 * progress);
        effects.currentFactor *= 1 + s * 0.04 * progress;
        break;
      case 'overheating':
        effects.temperatureAdd += s * 35;
        effects.currentFactor *= 1 + s * 0.12;
        break;
      case 'leak':
        effects.pressureFactor *= 1 - s * 0.28;
        effects.flowFactor *= 1 + s * 0.22;
        effects.loadAdd += s * 12;
        break;
      case 'cavitation':
        effects.pressureJitter += s * 0.12;
        effects.flowFactor *= 1 - s * 0.12;
        effects.vibrationAdd += s * 3;
        break;
      default:
        break;
    }
  }
  return effects;
}
