import type { SloName } from '../../../src/api/types';

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 duration (`PT1M` → 60, `P7D` → 604800); months count 30 days, years 365. */
export function isoDurationSeconds(iso: string): number | undefined {
  const match = ISO_DURATION.exec(iso.trim());
  if (!match || iso.trim() === 'P' || iso.trim().endsWith('T')) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return (years ?? 0) * 31_536_000 + (months ?? 0) * 2_592_000 + (weeks ?? 0) * 604_800 + (days ?? 0) * 86_400 + (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
}

/** A duration people read: `45 s`, `12 min`, `3.5 h`, `7 d`, `1 y`. */
export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 60) return `${trim(seconds, abs < 10 ? 1 : 0)} s`;
  if (abs < 3600) return `${trim(seconds / 60, abs < 600 ? 1 : 0)} min`;
  if (abs < 86_400) return `${trim(seconds / 3600, 1)} h`;
  if (abs < 31_536_000) return `${trim(seconds / 86_400, 1)} d`;
  return `${trim(seconds / 31_536_000, 1)} y`;
}

/** `P7D` → `7 d (P7D)`; anything not ISO is shown as given. */
export function formatIsoDuration(iso: string | undefined | null): string {
  if (!iso) return '—';
  const seconds = isoDurationSeconds(iso);
  return seconds === undefined ? iso : `${formatSeconds(seconds)} (${iso})`;
}

function trim(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toString();
}

/** Thousands separated, `digits` decimals at most; `—` for missing. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** `2026-11-22 00:41:07` in the browser's zone (operators compare with plant clocks, so seconds stay). */
export function formatDateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `5 min ago`, `in 2 h`, `just now`. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = (now - at) / 1000;
  if (Math.abs(seconds) < 5) return 'just now';
  return seconds > 0 ? `${formatSeconds(Math.round(seconds))} ago` : `in ${formatSeconds(Math.round(-seconds))}`;
}

/** An SLO measurement: freshness is an age in milliseconds, completeness a ratio. */
export function formatSloValue(slo: SloName, value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return slo === 'freshness' ? formatSeconds(value / 1000) : `${trim(value * 100, 1)} %`;
}

/** The objective in the SLO's own words: `age ≤ 60 s`, `≥ 99 % received`. */
export function formatSloObjective(slo: SloName, objective: number): string {
  return slo === 'freshness' ? `age ≤ ${formatSeconds(objective / 1000)}` : `≥ ${trim(objective * 100, 1)} % received`;
}

/** A cell of a query result: objects as JSON, long text cut. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
