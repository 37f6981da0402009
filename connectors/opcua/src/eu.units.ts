/**
 * OPC UA EngineeringUnits (EUInformation with UNECE Rec. 20 common codes, Part 8 5.6.3) to UCUM codes,
 * the unit language of the telemetry contract. Units not in the table keep the server's display name so
 * that a reading is never silently unit-less.
 */
const UCUM_BY_UNECE_CODE: Readonly<Record<string, string>> = {
  // temperature
  CEL: 'Cel',
  FAH: '[degF]',
  KEL: 'K',
  // vibration velocity, speed, acceleration
  C16: 'mm/s',
  MTS: 'm/s',
  KMH: 'km/h',
  MSK: 'm/s2',
  // pressure
  BAR: 'bar',
  MBR: 'mbar',
  PAL: 'Pa',
  A97: 'hPa',
  KPA: 'kPa',
  MPA: 'MPa',
  PS: '[psi]',
  // flow and volume
  MQH: 'm3/h',
  G53: 'm3/min',
  MQS: 'm3/s',
  L2: 'l/min',
  MTQ: 'm3',
  LTR: 'l',
  KGS: 'kg/s',
  // electrical
  AMP: 'A',
  '4K': 'mA',
  VLT: 'V',
  KWT: 'kW',
  WTT: 'W',
  MAW: 'MW',
  KWH: 'kW.h',
  JOU: 'J',
  // frequency and rotation
  HTZ: 'Hz',
  KHZ: 'kHz',
  RPM: '{rev}/min',
  // proportion
  P1: '%',
  '59': '[ppm]',
  // time, length, mass, force, angle
  SEC: 's',
  C26: 'ms',
  MIN: 'min',
  HUR: 'h',
  MMT: 'mm',
  CMT: 'cm',
  MTR: 'm',
  KGM: 'kg',
  GRM: 'g',
  NEW: 'N',
  DD: 'deg',
};

/** Display names servers commonly use when they leave unitId empty. */
const UCUM_BY_DISPLAY_NAME: Readonly<Record<string, string>> = {
  '°C': 'Cel',
  '°F': '[degF]',
  'mm/s': 'mm/s',
  'm³/h': 'm3/h',
  'm3/h': 'm3/h',
  bar: 'bar',
  A: 'A',
  kW: 'kW',
  '%': '%',
  Hz: 'Hz',
  V: 'V',
  W: 'W',
  rpm: '{rev}/min',
  'r/min': '{rev}/min',
  Pa: 'Pa',
  kPa: 'kPa',
  'l/min': 'l/min',
};

/** The UNECE common code packed in EUInformation.unitId (one character per byte, Part 8 5.6.3). */
export function uneceCommonCode(unitId: number): string {
  let code = '';
  for (let rest = unitId >>> 0; rest > 0; rest >>>= 8) code = String.fromCharCode(rest & 0xff) + code;
  return code;
}

/** The fields of an OPC UA EUInformation this mapping reads. */
export interface EngineeringUnits {
  unitId: number;
  displayName?: { text?: string | null } | null;
}

/** UCUM code for an EUInformation, its display name when no UCUM code is known, undefined when it says nothing. */
export function ucumUnitOf(units: EngineeringUnits | null | undefined): string | undefined {
  if (!units) return undefined;
  const byCode = units.unitId > 0 ? UCUM_BY_UNECE_CODE[uneceCommonCode(units.unitId)] : undefined;
  if (byCode) return byCode;
  const displayName = units.displayName?.text?.trim();
  if (!displayName) return undefined;
  return UCUM_BY_DISPLAY_NAME[displayName] ?? displayName;
}
