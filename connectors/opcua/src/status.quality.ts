import type { Quality } from '@fieldmesh/connect';

/**
 * Maps an OPC UA StatusCode (unsigned 32-bit) to a reading quality. The top two bits are the severity
 * (Part 4, 7.39): 00 Good, 01 Uncertain, 10 and 11 Bad; sub-codes and info bits do not change it.
 */
export function qualityOf(statusCode: number): Quality {
  const severity = (statusCode >>> 30) & 0b11;
  if (severity === 0) return 'GOOD';
  if (severity === 1) return 'UNCERTAIN';
  return 'BAD';
}
