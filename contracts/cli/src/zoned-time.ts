const ZONED = /(Z|[+-]\d\d:?\d\d)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** True when the IANA zone name is known to this runtime's Intl (e.g. 'Europe/Moscow', 'UTC'). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds the zone's wall clock is ahead of UTC at the instant `utcMs`. */
function offsetMs(utcMs: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(utcMs))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Epoch milliseconds of a timestamp: digits are epoch milliseconds, ISO 8601 with a zone is read as is,
 * and a zoneless `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]` is wall-clock time in `zone`. Returns undefined for a
 * zoneless time without a zone, or text that is no timestamp; never guesses local time.
 */
export function parseZonedTimestamp(text: string, zone: string | undefined): number | undefined {
  const stamp = text.trim();
  if (/^\d+$/.test(stamp)) return Number(stamp);
  if (ZONED.test(stamp)) {
    const ms = Date.parse(stamp);
    return Number.isFinite(ms) ? ms : undefined;
  }
  const match = LOCAL.exec(stamp);
  if (!match || zone === undefined) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number((fraction ?? '0').slice(0, 3).padEnd(3, '0')));
  // The offset at the wall time read as UTC is right except within a zone change; a second pass settles it.
  const first = wall - offsetMs(wall, zone);
  return wall - offsetMs(first, zone);
}
