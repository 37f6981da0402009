import { createPrivateKey, sign, verify, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { DesiredStateRefused } from './errors';

/**
 * The topic each gateway's desired state is published on, keyed by gateway id. Compacted: the latest record
 * per gateway is what it should run, and a gateway that starts (or comes back online) reads it there. The
 * fleet operator writes it (`fieldmesh fleet rollout`), every site's gateway reads it and applies only what
 * an operator certificate of its site CA signed, so the broker's ACL is not the only guard.
 */
export const GATEWAY_DESIRED_STATE_TOPIC = '_fieldmesh.gateway-desired-state';

/** One partition (a fleet's desired states are small) and compaction: the latest version per gateway stays. */
export const GATEWAY_DESIRED_STATE_TOPIC_LAYOUT: { partitions: number; configs: Record<string, string> } = {
  partitions: 1,
  configs: { 'cleanup.policy': 'compact' },
};

/** The audit trail of rollouts: every step `fieldmesh fleet` takes, keyed by rollout id, kept a year. */
export const FLEET_ROLLOUTS_TOPIC = '_fieldmesh.fleet-rollouts';

export const FLEET_ROLLOUTS_TOPIC_LAYOUT: { partitions: number; configs: Record<string, string> } = {
  partitions: 1,
  configs: { 'retention.ms': String(365 * 24 * 3_600_000) },
};

/** Extended key usage an operator certificate carries (codeSigning): a device's or gateway's TLS certificate cannot sign a desired state. */
export const OPERATOR_SIGNING_EKU = '1.3.6.1.5.5.7.3.3';

/**
 * What a gateway should run: its connector set, calibration and asset model (the parts of gateway.yaml an
 * operator changes from afar; identity, Kafka credentials and state folder stay in the file on the box).
 * `config: null` returns the gateway to its own file's configuration.
 */
export const desiredStatePayloadSchema = z.strictObject({
  gatewayId: z.string().min(1).describe('The gateway this state is for (the record key too).'),
  version: z.number().int().positive().describe('Grows by one per publication for this gateway; a gateway ignores a version it has already seen.'),
  issuedAt: z.iso.datetime(),
  rolloutId: z.string().min(1).nullable().describe('The rollout that published it; null for one published by hand.'),
  config: z
    .strictObject({
      connectors: z.array(z.record(z.string(), z.unknown())).min(1, 'a desired state needs at least one connector'),
      calibration: z.array(z.record(z.string(), z.unknown())).optional(),
      assets: z.array(z.record(z.string(), z.unknown())).optional(),
    })
    .nullable(),
});
export type DesiredStatePayload = z.output<typeof desiredStatePayloadSchema>;
export type DesiredStateConfig = NonNullable<DesiredStatePayload['config']>;

/** The record on the topic: the payload exactly as signed, the signature (ECDSA or RSA over SHA-256) and the signer's certificate. */
export const signedDesiredStateSchema = z.strictObject({
  payload: z.string().min(2),
  signature: z.base64(),
  certificate: z.string().includes('BEGIN CERTIFICATE', { message: 'must be a PEM certificate' }),
});
export type SignedDesiredState = z.output<typeof signedDesiredStateSchema>;

/** Signs a payload with an operator's private key; the certificate travels with it so the gateway can check it against its site CA. */
export function signDesiredState(payload: DesiredStatePayload, keyPem: string, certificatePem: string): SignedDesiredState {
  const text = JSON.stringify(desiredStatePayloadSchema.parse(payload));
  const signature = sign('sha256', Buffer.from(text), createPrivateKey(keyPem)).toString('base64');
  return { payload: text, signature, certificate: certificatePem };
}

export interface VerifiedDesiredState {
  payload: DesiredStatePayload;
  /** The signing operator certificate's subject CN. */
  signedBy: string;
}

/**
 * Checks a signed desired state against the site CA: the certificate was issued by the CA, is valid now,
 * is an operator's (codeSigning), and signed exactly this payload. Throws DesiredStateRefused saying which.
 */
export function verifyDesiredState(record: unknown, caPem: string, now: Date = new Date()): VerifiedDesiredState {
  const signed = signedDesiredStateSchema.safeParse(record);
  if (!signed.success)
    throw new DesiredStateRefused(`it is not a signed desired state (${signed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(signed.data.certificate);
  } catch (error) {
    throw new DesiredStateRefused('its certificate cannot be read', { cause: error });
  }
  const ca = new X509Certificate(caPem);
  const signedBy = /^CN=(.*)$/m.exec(certificate.subject)?.[1] ?? certificate.subject;
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) throw new DesiredStateRefused(`its certificate (${signedBy}) was not issued by this site's CA`);
  if (now < certificate.validFromDate || now > certificate.validToDate) {
    throw new DesiredStateRefused(`its certificate (${signedBy}) is not valid now (valid ${certificate.validFromDate.toISOString()} to ${certificate.validToDate.toISOString()})`);
  }
  if (!(certificate.keyUsage ?? []).includes(OPERATOR_SIGNING_EKU)) {
    throw new DesiredStateRefused(`its certificate (${signedBy}) is not an operator's (no codeSigning usage): issue one with 'ca issue --type operator'`);
  }
  if (!verify('sha256', Buffer.from(signed.data.payload), certificate.publicKey, Buffer.from(signed.data.signature, 'base64'))) {
    throw new DesiredStateRefused(`its signature does not match its payload (signed by ${signedBy})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(signed.data.payload);
  } catch (error) {
    throw new DesiredStateRefused('its payload is not JSON', { cause: error });
  }
  const payload = desiredStatePayloadSchema.safeParse(json);
  if (!payload.success) throw new DesiredStateRefused(`its payload is invalid (${payload.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`);
  return { payload: payload.data, signedBy };
}

/** Where a gateway stands with its desired state, in every heartbeat. */
export interface DesiredStateReport {
  /** The version running now; null while the gateway runs its own file's configuration. */
  appliedVersion: number | null;
  /** The last version it received and what became of it. */
  latest: {
    version: number;
    rolloutId: string | null;
    /** applying: within its health window; applied: passed its gates; rolled-back: failed them, the previous version runs; rejected: not applied (signature, config). */
    outcome: 'applying' | 'applied' | 'rolled-back' | 'rejected';
    reason?: string;
    at: string;
  } | null;
}

/** One step of a rollout, as `fieldmesh fleet` records it on the rollouts topic. */
export interface FleetRolloutEvent {
  rolloutId: string;
  step: 'started' | 'published' | 'gate-passed' | 'gate-failed' | 'rolled-back' | 'completed' | 'stopped';
  /** The operator certificate's CN that signed the rollout's states. */
  by: string;
  at: string;
  gatewayId?: string;
  version?: number;
  /** The wave (0 is the canary). */
  wave?: number;
  detail?: string;
  /** On 'published': the gateway's state before this rollout (null: none was published), so `fleet rollback` can restore it. */
  previous?: SignedDesiredState | null;
}
