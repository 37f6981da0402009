/**
 * Canonical units: every quantity of the plant is stored in one UCUM unit, so that analysts and models
 * never mix °F with °C or kPa with bar. Conversion depends on the unit alone (a pressure is a pressure
 * whatever the signal); the clean contract then checks that each signal ended up in its expected unit.
 */

interface Conversion {
  to: string;
  convert: (value: number) => number;
}

const scale = (to: string, factor: number): Conversion => ({ to, convert: (v) => v * factor });

/** Source unit (UCUM code) → canonical unit and how to get there. Identity entries document the canon. */
export const UNIT_CONVERSIONS: Readonly<Record<string, Conversion>> = {
  // temperature → Cel
  Cel: scale('Cel', 1),
  '[degF]': { to: 'Cel', convert: (v) => ((v - 32) * 5) / 9 },
  K: { to: 'Cel', convert: (v) => v - 273.15 },
  // pressure → bar
  bar: scale('bar', 1),
  mbar: scale('bar', 1e-3),
  Pa: scale('bar', 1e-5),
  kPa: scale('bar', 1e-2),
  MPa: scale('bar', 10),
  '[psi]': scale('bar', 0.0689475729316836),
  // power → kW
  kW: scale('kW', 1),
  W: scale('kW', 1e-3),
  MW: scale('kW', 1e3),
  // electric current → A
  A: scale('A', 1),
  mA: scale('A', 1e-3),
  kA: scale('A', 1e3),
  // vibration velocity → mm/s
  'mm/s': scale('mm/s', 1),
  'm/s': scale('mm/s', 1e3),
  '[in_i]/s': scale('mm/s', 25.4),
  // volume flow → m3/h
  'm3/h': scale('m3/h', 1),
  'm3/s': scale('m3/h', 3600),
  'L/min': scale('m3/h', 0.06),
  'L/s': scale('m3/h', 3.6),
  '[gal_us]/min': scale('m3/h', 0.227124707),
  // ratio → %
  '%': scale('%', 1),
};

/** Spellings devices use instead of the UCUM code. */
const ALIASES: Readonly<Record<string, string>> = {
  degF: '[degF]',
  '°F': '[degF]',
  degC: 'Cel',
  '°C': 'Cel',
  psi: '[psi]',
  'in/s': '[in_i]/s',
  'l/min': 'L/min',
  'l/s': 'L/s',
  'm³/h': 'm3/h',
};

export interface Normalised {
  value: number | null;
  unit: string;
}

/**
 * The value in its canonical unit. A unit this table does not know is kept as it is: the contract's
 * unit rules then reject the reading with its unit named, rather than the pipeline guessing.
 */
export function normaliseUnit(value: number | null, unit: string): Normalised {
  const code = ALIASES[unit] ?? unit;
  const conversion = UNIT_CONVERSIONS[code];
  if (!conversion) return { value, unit };
  return { value: value === null ? null : conversion.convert(value), unit: conversion.to };
}
