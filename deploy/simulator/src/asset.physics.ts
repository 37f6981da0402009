import type { AssetClass } from './signal.catalog';
import type { ProcessEffects } from './failure.modes';
import type { SeededRandom } from './random';

export type MachineState = 'RUNNING' | 'IDLE' | 'STOPPED';

/** The true process values of one asset at one instant, before any sensor adds noise or faults. */
export interface ProcessValues {
  state: MachineState;
  load: number;
  motorCurrent: number;
  power: number;
  bearingTemperature: number;
  vibrationRms: number;
  dischargePressure?: number;
  flow?: number;
}

interface ClassParameters {
  ratedCurrent: number;
  /** Bearing temperature rise above ambient at rated current, in K. */
  temperatureRise: number;
  vibrationBase: number;
  vibrationPerLoad: number;
}

const CLASS_PARAMETERS: Record<AssetClass, ClassParameters> = {
  compressor: { ratedCurrent: 95, temperatureRise: 42, vibrationBase: 1.4, vibrationPerLoad: 0.03 },
  pump: { ratedCurrent: 60, temperatureRise: 34, vibrationBase: 1.0, vibrationPerLoad: 0.025 },
  motor: { ratedCurrent: 40, temperatureRise: 36, vibrationBase: 0.7, vibrationPerLoad: 0.02 },
  conveyor: { ratedCurrent: 25, temperatureRise: 28, vibrationBase: 1.6, vibrationPerLoad: 0.018 },
};

const AMBIENT = 24;
const LINE_VOLTAGE = 400;
const POWER_FACTOR = 0.86;
/** Thermal time constant of a bearing housing: temperature follows load minutes later. */
const THERMAL_TAU_S = 240;
const LOAD_TAU_S = 15;

/**
 * One machine's physics. Load follows a duty profile (running at varying set points, idling, rarely
 * stopped); current follows load, power follows current, bearing temperature follows I² losses with a
 * thermal lag, vibration grows with load; pumps run on a pump curve against a throttling valve, so
 * closing the valve lowers flow and raises discharge pressure.
 */
export class AssetPhysics {
  private readonly parameters: ClassParameters;
  private state: MachineState = 'RUNNING';
  private load: number;
  private loadTarget: number;
  private temperature: number;
  private valve = 0.8;
  private secondsToNextChange: number;

  constructor(
    private readonly assetClass: AssetClass,
    private readonly random: SeededRandom,
  ) {
    this.parameters = CLASS_PARAMETERS[assetClass];
    this.loadTarget = random.between(55, 85);
    this.load = this.loadTarget;
    this.temperature = AMBIENT + this.parameters.temperatureRise * this.currentRatio(this.load) ** 2;
    this.secondsToNextChange = random.between(120, 600);
  }

  /** Forces a load set point (tests and load studies); the duty profile resumes after `holdSeconds`. */
  setLoad(load: number, holdSeconds = 3600): void {
    this.state = load > 0 ? (load < 15 ? 'IDLE' : 'RUNNING') : 'STOPPED';
    this.loadTarget = load;
    this.secondsToNextChange = holdSeconds;
  }

  step(dtSeconds: number, effects: ProcessEffects): ProcessValues {
    this.advanceDutyProfile(dtSeconds);
    this.load += (this.loadTarget - this.load) * (1 - Math.exp(-dtSeconds / LOAD_TAU_S));
    const load = Math.min(100, Math.max(0, this.load + (this.state === 'STOPPED' ? 0 : effects.loadAdd)));

    const { ratedCurrent, temperatureRise, vibrationBase, vibrationPerLoad } = this.parameters;
    const motorCurrent = ratedCurrent * this.currentRatio(load) * effects.currentFactor;
    const power = (Math.sqrt(3) * LINE_VOLTAGE * motorCurrent * POWER_FACTOR) / 1000;
    const temperatureTarget = AMBIENT + temperatureRise * (motorCurrent / ratedCurrent) ** 2 + effects.temperatureAdd;
    this.temperature += (temperatureTarget - this.temperature) * (1 - Math.exp(-dtSeconds / THERMAL_TAU_S));
    const running = this.state !== 'STOPPED' || load > 1;
    const vibrationRms = (running ? vibrationBase + vibrationPerLoad * load : 0.05) + (running ? effects.vibrationAdd : 0);

    const values: ProcessValues = { state: this.state, load, motorCurrent, power, bearingTemperature: this.temperature, vibrationRms };
    if (this.assetClass === 'pump') this.pumpHydraulics(values, effects, dtSeconds);
    if (this.assetClass === 'compressor') this.compressorPneumatics(values, effects);
    return values;
  }

  /** Share of rated current: magnetising current while turning, plus a part proportional to load. */
  private currentRatio(load: number): number {
    return 0.3 * Math.min(1, load / 5) + 0.7 * (load / 100);
  }

  private advanceDutyProfile(dtSeconds: number): void {
    this.secondsToNextChange -= dtSeconds;
    if (this.secondsToNextChange > 0) return;
    const draw = this.random.next();
    if (draw < 0.03) {
      this.state = 'STOPPED';
      this.loadTarget = 0;
      this.secondsToNextChange = this.random.between(60, 240);
    } else if (draw < 0.13) {
      this.state = 'IDLE';
      this.loadTarget = this.random.between(6, 12);
      this.secondsToNextChange = this.random.between(60, 300);
    } else {
      this.state = 'RUNNING';
      this.loadTarget = this.random.between(45, 95);
      this.secondsToNextChange = this.random.between(120, 600);
    }
  }

  /** Affinity laws (flow ∝ speed, head ∝ speed²) on a pump curve, against a slowly moving valve. */
  private pumpHydraulics(values: ProcessValues, effects: ProcessEffects, dtSeconds: number): void {
    this.valve = Math.min(1, Math.max(0.35, this.valve + 0.004 * Math.sqrt(dtSeconds) * this.random.gaussian()));
    const speed = values.load / 100;
    const ratedFlow = 180;
    const flow = ratedFlow * speed * this.valve * effects.flowFactor;
    const shutOffPressure = 10 * speed ** 2;
    const pressure = Math.max(0, shutOffPressure - 4 * (flow / ratedFlow) ** 2) * effects.pressureFactor;
    values.flow = flow;
    values.dischargePressure = pressure * (1 + effects.pressureJitter * this.random.gaussian());
  }

  /** Free air delivery follows load; receiver pressure rises with it; a leak bleeds air. */
  private compressorPneumatics(values: ProcessValues, effects: ProcessEffects): void {
    const running = values.load > 1;
    values.flow = 260 * (values.load / 100) * effects.flowFactor;
    const pressure = (running ? 6 + 1.5 * (values.load / 100) : 0.3) * effects.pressureFactor;
    values.dischargePressure = pressure * (1 + effects.pressureJitter * this.random.gaussian());
  }
}
