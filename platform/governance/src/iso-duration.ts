/**
 * ISO 8601 durations as contracts write them (P7D, PT30S, P1Y): ODCS and Kafka users both read them.
 * Months and years use fixed lengths (30 d, 365 d) because retention must be a number of milliseconds.
 */
const pattern = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const unitMs = [365 * 86_400_000, 30 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000] as const;

export function isIsoDuration(text: string): boolean {
  return text !== 'P' && text !== 'PT' && !text.endsWith('T') && pattern.test(text);
}

/** Milliseconds of an ISO 8601 duration; throws on text that is not one. */
export function durationToMs(text: string): number {
  const match = isIsoDuration(text) ? pattern.exec(text) : null;
  if (!match) throw new RangeError(`'${text}' is not an ISO 8601 duration such as P7D or PT30S`);
  return unitMs.reduce((total, ms, i) => total + Number(match[i + 1] ?? 0) * ms, 0);
}

/** Whole days of a duration, for ClickHouse TTL clauses (`INTERVAL n DAY`). */
export function durationToDays(text: string): number {
  return Math.ceil(durationToMs(text) / 86_400_000);
}
