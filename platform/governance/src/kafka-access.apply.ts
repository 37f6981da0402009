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

/** How long the brokers may take to show users and ACLs the controller has committed (KRaft applies them asynchronously). */
const ACCESS_IN_EFFECT_TIMEOUT_MS = 30_000;

/**
 * Waits until every broker shows the plan's SCRAM users and ACLs: a component started right after apply must
 * not be refused by a login or a grant that is committed but not yet applied on the broker it talks to (seen
 * on a 3-broker stack: the registry denied on _schemas by a broker that had not replayed its ACLs yet).
 */
async function untilInEffect(access: KafkaAccessAdmin, plan: KafkaAccessPlan): Promise<void> {
  const deadline = Date.now() + ACCESS_IN_EFFECT_TIMEOUT_MS;
  for (;;) {
    const behind = (await access.accessOnEachBroker(plan.principals)).flatMap(({ broker, acls, scramUsers }) => {
      const left = aclDrift(plan, acls);
      const users = plan.principals.filter((principal) => !scramUsers.has(principal)).length;
      return left.missing.length + left.unexpected.length + users === 0
        ? []
        : [`${broker}: ${users} user(s) and ${left.missing.length} planned ACL(s) missing, ${left.unexpected.length} undeclared`];
    });
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`after ${ACCESS_IN_EFFECT_TIMEOUT_MS / 1000} s the brokers still differ from the plan: ${behind.join('; ')}`);
    await setTimeout(200);
  }
}
