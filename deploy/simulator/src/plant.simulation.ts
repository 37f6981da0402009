import { AssetPhysics, type ProcessValues } from './asset.physics';
import { FailureNotApplicable, UnknownAsset } from './errors';
import { MODE_CLASSES, processEffects, type FailureEpisode, type FailureMode } from './failure.modes';
import type { Asset, Plant } from './plant.model';
import { SeededRandom } from './random';
import { qualityOf, type Reading } from './reading';
import { SensorFaults } from './sensor.faults';
import type { SignalDefinition, SignalName } from './signal.catalog';

/** A failure to inject: now (on demand) or at an offset from the simulation start (schedule). */
export interface FailureRequest {
  assetPath: string;
  mode: FailureMode;
  signal?: SignalName;
  /** Simulation time of onset; defaults to the simulation's current time. */
  startMs?: number;
  durationMs: number;
  /** See FailureEpisode.severity; 1 when absent. */
  severity?: number;
}

export interface SimulationOptions {
  seed: number;
  startTimeMs: number;
  /** Called once per episode when it ends, with its final end time. */
  onEpisodeEnd?: (episode: FailureEpisode) => void;
}

const SHIFT_MS = 8 * 3600_000;

function measuredValue(signal: SignalName, values: ProcessValues): number | string | undefined {
  switch (signal) {
    case 'vibration_rms':
      return values.vibrationRms;
    case 'bearing_temperature':
      return values.bearingTemperature;
    case 'discharge_pressure':
      return values.dischargePressure;
    case 'flow':
      return values.flow;
    case 'motor_current':
      return values.motorCurrent;
    case 'power':
      return values.power;
    case 'load':
      return values.load;
    case 'state':
      return values.state;
  }
}

/**
 * The plant in simulation time: steps every asset's physics, applies active failures, and samples
 * every signal through its (possibly faulty) sensor. Time only moves when `step` is called, so the
 * caller decides whether that is real time, faster, or as fast as possible.
 */
export class PlantSimulation {
  private readonly physics = new Map<string, AssetPhysics>();
  private readonly noise: SeededRandom;
  private readonly faults: SensorFaults;
  private readonly pending: FailureEpisode[] = [];
  private readonly active: FailureEpisode[] = [];
  private readonly ended: FailureEpisode[] = [];
  private episodeCount = 0;
  private time: number;

  constructor(
    readonly plant: Plant,
    private readonly options: SimulationOptions,
  ) {
    const root = new SeededRandom(options.seed);
    for (const asset of plant.assets) this.physics.set(asset.path, new AssetPhysics(asset.assetClass, root.fork(`physics:${asset.path}`)));
    this.noise = root.fork('noise');
    this.faults = new SensorFaults(root.fork('faults'));
    this.time = options.startTimeMs;
  }

  get nowMs(): number {
    return this.time;
  }

  asset(path: string): Asset {
    const asset = this.plant.assets.find((candidate) => candidate.path === path);
    if (!asset)
      throw new UnknownAsset(
        path,
        this.plant.assets.map((known) => known.path),
      );
    return asset;
  }

  /** Plans a failure episode; it becomes active when simulation time reaches its start. */
  inject(request: FailureRequest): FailureEpisode {
    const asset = this.asset(request.assetPath);
    const allowed = MODE_CLASSES[request.mode];
    if (!allowed.includes(asset.assetClass)) throw new FailureNotApplicable(asset.path, request.mode, asset.assetClass, allowed);
    if (request.signal && !asset.signals.some((signal) => signal.name === request.signal)) {
      throw new UnknownAsset(
        `${asset.path}/${request.signal}`,
        asset.signals.map((signal) => `${asset.path}/${signal.name}`),
      );
    }
    const startMs = request.startMs ?? this.time;
    this.episodeCount += 1;
    const episode: FailureEpisode = {
      id: `episode-${String(this.episodeCount).padStart(4, '0')}`,
      assetPath: asset.path,
      mode: request.mode,
      ...(request.signal ? { signal: request.signal } : {}),
      startMs,
      endMs: startMs + request.durationMs,
      ...(request.severity === undefined ? {} : { severity: request.severity }),
    };
    this.pending.push(episode);
    this.updateEpisodes();
    return episode;
  }

  /** Holds an asset at a load set point (tests, load studies); its duty profile resumes afterwards. */
  setLoad(assetPath: string, load: number, holdSeconds?: number): void {
    this.asset(assetPath);
    this.physics.get(assetPath)?.setLoad(load, holdSeconds);
  }

  /** Ground truth so far: ended episodes, then the active ones with their planned end. */
  labels(): FailureEpisode[] {
    return [...this.ended, ...this.active].map((episode) => ({ ...episode }));
  }

  activeEpisodes(): FailureEpisode[] {
    return this.active.map((episode) => ({ ...episode }));
  }

  /** Advances simulation time by `dtMs` and samples every signal of every asset at the new time. */
  step(dtMs: number): Reading[] {
    this.time += dtMs;
    this.updateEpisodes();
    const readings: Reading[] = [];
    for (const asset of this.plant.assets) {
      const episodes = this.active.filter((episode) => episode.assetPath === asset.path);
      const values = this.physics.get(asset.path)?.step(dtMs / 1000, processEffects(episodes, this.time));
      if (!values) continue;
      for (const signal of asset.signals) {
        const reading = this.sample(asset, signal, values, episodes);
        if (reading) readings.push(reading);
      }
    }
    return readings;
  }

  /** Ends every active episode now (the simulation stops), writing its label. */
  finish(): void {
    for (const episode of this.active.splice(0)) this.end({ ...episode, endMs: Math.min(episode.endMs, this.time) });
    this.pending.splice(0);
  }

  private sample(asset: Asset, signal: SignalDefinition, values: ProcessValues, episodes: FailureEpisode[]): Reading | undefined {
    const truth = measuredValue(signal.name, values);
    if (truth === undefined) return undefined;
    let measured: number | string = truth;
    if (typeof truth === 'number') {
      const noisy = truth + signal.noise * this.noise.gaussian();
      const clamped = signal.range ? Math.min(signal.range.high, Math.max(signal.range.low, noisy)) : noisy;
      measured = Math.round(clamped * 1000) / 1000;
    }
    const output = this.faults.apply(signal, measured, episodes, this.time);
    if (!output) return undefined;
    const reading: Reading = { asset, signal, timestampMs: this.time, value: output.value, quality: qualityOf(output.status), status: output.status };
    if (signal.name === 'state') reading.operator = this.operatorOnShift(asset);
    return reading;
  }

  /** The badge of whoever runs the line this shift: personal data the gateway must pseudonymise. */
  private operatorOnShift(asset: Asset): string {
    const shift = Math.floor(this.time / SHIFT_MS);
    let hash = shift;
    for (const char of `${asset.site}/${asset.line}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
    return `B-${String(1000 + (hash % 9000)).padStart(4, '0')}`;
  }

  private updateEpisodes(): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const episode = this.pending[i];
      if (episode && episode.startMs <= this.time) {
        this.pending.splice(i, 1);
        this.active.push(episode);
      }
    }
    for (let i = this.active.length - 1; i >= 0; i--) {
      const episode = this.active[i];
      if (episode && episode.endMs <= this.time) {
        this.active.splice(i, 1);
        this.end(episode);
      }
    }
  }

  private end(episode: FailureEpisode): void {
    this.faults.release(episode.id);
    this.ended.push(episode);
    this.options.onEpisodeEnd?.(episode);
  }
}
