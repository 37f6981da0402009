/** The asset classes of the simulated plant. */
export const ASSET_CLASSES = ['compressor', 'pump', 'motor', 'conveyor'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

export const SIGNAL_NAMES = ['vibration_rms', 'bearing_temperature', 'discharge_pressure', 'flow', 'motor_current', 'power', 'load', 'state'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Unit as UNECE Rec 20 common code, which OPC UA's EUInformation.unitId is built from. */
export interface UneceUnit {
  code: string;
  symbol: string;
  description: string;
}

export interface SignalDefinition {
  name: SignalName;
  kind: 'number' | 'text';
  /** UCUM code, as the wire conventions carry it (MQTT JSON `unit`, Sparkplug `engUnit`). */
  unit: string;
  unece?: UneceUnit;
  /** The instrument's measuring range (OPC UA EURange); readings outside it are out of range. */
  range?: { low: number; high: number };
  /** Standard deviation of the measurement noise. */
  noise: number;
}

export const SIGNALS: Record<SignalName, SignalDefinition> = {
  vibration_rms: {
    name: 'vibration_rms',
    kind: 'number',
    unit: 'mm/s',
    unece: { code: 'C16', symbol: 'mm/s', description: 'millimetre per second' },
    range: { low: 0, high: 50 },
    noise: 0.08,
  },
  bearing_temperature: {
    name: 'bearing_temperature',
    kind: 'number',
    unit: 'Cel',
    unece: { code: 'CEL', symbol: '°C', description: 'degree Celsius' },
    range: { low: -20, high: 150 },
    noise: 0.15,
  },
  discharge_pressure: {
    name: 'discharge_pressure',
    kind: 'number',
    unit: 'bar',
    unece: { code: 'BAR', symbol: 'bar', description: 'bar [unit of pressure] = 1E5 Pa' },
    range: { low: 0, high: 16 },
    noise: 0.03,
  },
  flow: { name: 'flow', kind: 'number', unit: 'm3/h', unece: { code: 'MQH', symbol: 'm³/h', description: 'cubic metre per hour' }, range: { low: 0, high: 400 }, noise: 0.6 },
  motor_current: { name: 'motor_current', kind: 'number', unit: 'A', unece: { code: 'AMP', symbol: 'A', description: 'ampere' }, range: { low: 0, high: 200 }, noise: 0.25 },
  power: { name: 'power', kind: 'number', unit: 'kW', unece: { code: 'KWT', symbol: 'kW', description: 'kilowatt' }, range: { low: 0, high: 150 }, noise: 0.15 },
  load: { name: 'load', kind: 'number', unit: '%', unece: { code: 'P1', symbol: '%', description: 'percent' }, range: { low: 0, high: 100 }, noise: 0.3 },
  state: { name: 'state', kind: 'text', unit: '1', noise: 0 },
};

/** Which signals each class measures; a conveyor or a bare motor has no process side. */
export const CLASS_SIGNALS: Record<AssetClass, readonly SignalName[]> = {
  compressor: ['vibration_rms', 'bearing_temperature', 'discharge_pressure', 'flow', 'motor_current', 'power', 'load', 'state'],
  pump: ['vibration_rms', 'bearing_temperature', 'discharge_pressure', 'flow', 'motor_current', 'power', 'load', 'state'],
  motor: ['vibration_rms', 'bearing_temperature', 'motor_current', 'power', 'load', 'state'],
  conveyor: ['vibration_rms', 'bearing_temperature', 'motor_current', 'power', 'load', 'state'],
};

export function isSignalName(name: string): name is SignalName {
  return (SIGNAL_NAMES as readonly string[]).includes(name);
}
