import type { Pseudonymiser } from './pseudonymiser';

/**
 * Pseudonymises the values of personal JSON keys inside a payload that could not be parsed (it goes to
 * the dead-letter topic as evidence). A best effort on broken text: it finds `"key": "value"` pairs.
 */
export function redactPersonalText(payload: Buffer, personalKeys: readonly string[], pseudonymiser: Pseudonymiser): Buffer {
  if (personalKeys.length === 0) return payload;
  const text = payload.toString('utf8');
  const keys = personalKeys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const redacted = text.replace(
    new RegExp(`("(?:${keys})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, 'g'),
    (_m, open: string, value: string, close: string) => open + pseudonymiser.pseudonymise(value) + close,
  );
  return redacted === text ? payload : Buffer.from(redacted, 'utf8');
}
