import { DEFAULT_FAULT_SIGNAL, progressOf, severityOf, type FailureEpisode } from './failure.modes';
import type { SeededRandom } from './random';
import type { StatusName } from './reading';
import type { SignalDefinition } from './signal.catalog';

/** What a sensor reports: a value and its status, or nothing at all (a missing reading). */
export type SensorOutput = { value: number | string | null; status: StatusName } | undefined;

function faultSignal(episode: FailureEpisode): string | undefined {
  return episode.signal ?? DEFAULT_FAULT_SIGNAL[episode.mode];
}

/**
 * Applies the sensor-level failures (stuck, drifting, spikes, dropout) to a measured value. Holds the
 * frozen value of each stuck sensor, so one instance serves one simulation.
 */
export class SensorFaults {
  private readonly frozen = new Map<string, number | string | null>();

  constructor(private readonly random: SeededRandom) {}

  apply(signal: SignalDefinition, measured: number | string, episodes: readonly FailureEpisode[], nowMs: number): SensorOutput {
    let output: SensorOutput = { value: measured, status: 'Good' };
    for (const episode of episodes) {
      const target = faultSignal(episode);
      if (target !== undefined && target !== signal.name) continue;
      if (output === undefined) return undefined;
      output = this.applyOne(episode, signal, output, nowMs);
    }
    return output;
  }

  /** Forgets the frozen values of episodes that ended. */
  release(episodeId: string): void {
    for (const key of this.frozen.keys()) if (key.startsWith(`${episodeId}|`)) this.frozen.delete(key);
  }

  private applyOne(episode: FailureEpisode, signal: SignalDefinition, output: NonNullable<SensorOutput>, nowMs: number): SensorOutput {
    const span = signal.range ? signal.range.high - signal.range.low : 1;
    switch (episode.mode) {
      case 'stuck_sensor': {
        const key = `${episode.id}|${signal.name}`;
        if (!this.frozen.has(key)) this.frozen.set(key, output.value);
        return { value: this.frozen.get(key) ?? null, status: 'UncertainLastUsableValue' };
      }
      case 'drifting_sensor':
        if (typeof output.value !== 'number') return output;
        // The calibration offset grows to 12 % of the measuring span (times the severity) by the end of the episode.
        return { value: output.value + severityOf(episode) * 0.12 * span * progressOf(episode, nowMs), status: output.status };
      case 'spikes':
        // 8 % of the readings (times the severity) jump by a quarter to a half of the span.
        if (typeof output.value !== 'number' || this.random.next() >= severityOf(episode) * 0.08) return output;
        return { value: output.value + (this.random.next() < 0.5 ? -1 : 1) * this.random.between(0.25, 0.5) * span, status: output.status };
      case 'dropout': {
        // Every reading is lost (half missing, half bad) at severity 1; fewer below it.
        if (this.random.next() >= severityOf(episode)) return output;
        const draw = this.random.next();
        if (draw < 0.5) return undefined;
        return { value: null, status: draw < 0.75 ? 'BadSensorFailure' : 'BadNoCommunication' };
      }
      default:
        return output;
    }
  }
}
