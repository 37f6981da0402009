import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import type { KafkaAccessAdmin } from '@fieldmesh/kafka';
import { aclDrift, type AclDrift, type KafkaAccessPlan } from './kafka-access.plan';

/** Where each principal's password is kept: `<dir>/<principal>.password`, readable by the owner only. */
export function principalPasswordFile(secretsDir: string, principal: string): string {
  return join(secretsDir, `${principal}.password`);
}

/**
 * The principal's password from its file, made (random, 32 bytes) when there is none yet. Two processes
 * applying at once on one folder agree: only one creates the file ('wx'), the other reads it.
 */
export function ensurePrincipalPassword(secretsDir: string, principal: string): string {
  const file = principalPasswordFile(secretsDir, principal);
  if (!existsSync(file)) {
    mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

export interface KafkaAccessApplied extends AclDrift {
  principals: string[];
}

/**
 * Makes the cluster match the plan: each principal a SCRAM user with the password in its file (made if
 * missing), the planned ACLs created, and ACLs of those principals that no contract grants removed.
 */
export async function applyKafkaAccess(access: KafkaAccessAdmin, plan: KafkaAccessPlan, secretsDir: string): Promise<KafkaAccessApplied> {
  for (const principal of plan.principals) await access.upsertScramUser(principal, ensurePrincipalPassword(secretsDir, principal));
  const drift = aclDrift(plan, await access.acls());
  await access.createAcls(drift.missing);
  await access.deleteAcls(drift.unexpected);
  await untilInEffect(access, plan);
  return { principals: plan.principals, ...drift };
}

/** How long the broker may take to show ACLs the controller has committed (KRaft applies them asynchronously). */
const ACLS_IN_EFFECT_TIMEOUT_MS = 30_000;

/**
 * Waits until the broker's authorizer shows the plan: a component started right after apply must not be
 * refused by a grant that is committed but not yet applied on the broker it talks to.
 */
async function untilInEffect(access: KafkaAccessAdmin, plan: KafkaAccessPlan): Promise<void> {
  const deadline = Date.now() + ACLS_IN_EFFECT_TIMEOUT_MS;
  for (;;) {
    const left = aclDrift(plan, await access.acls());
    if (left.missing.length === 0 && left.unexpected.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`the broker still shows ${left.missing.length} planned ACL(s) missing and ${left.unexpected.length} undeclared after ${ACLS_IN_EFFECT_TIMEOUT_MS / 1000} s`);
    }
    await setTimeout(200);
  }
}
