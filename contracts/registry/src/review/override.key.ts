import { createHash } from 'node:crypto';

/** What identifies one emergency override request. */
export interface OverrideRequest {
  subject: string;
  /** The schema's fingerprint (`schemaFingerprint`). */
  fingerprint: string;
  reason: string;
  /** The principal's name. */
  by: string;
  /** The subject version the registration would create: the subject's state the override applies to. */
  nextVersion: number;
}

/**
 * The key of an emergency override: who overrides which schema on which subject, why, and against which
 * state of the subject. A retry of a request whose audit event was written but whose registration failed
 * (or whose answer was lost) has the same key, so it is audited once. Once the subject has moved on (the
 * schema registered, then deleted and forced in again), the same words make a new key: a new override.
 */
export function overrideKey(request: OverrideRequest): string {
  const { subject, nextVersion, fingerprint, reason, by } = request;
  return (
    'override-' +
    createHash('sha256')
      .update(JSON.stringify([subject, nextVersion, fingerprint, reason, by]))
      .digest('hex')
      .slice(0, 32)
  );
}
