import { resolve } from 'node:path';
import { aclDrift, applyKafkaAccess, kafkaAccessPlan, principalPasswordFile, type AclDrift, type KafkaAccessApplied, type LoadedContract } from '@fieldmesh/governance';
import { aclKey, KafkaAccessAdmin } from '@fieldmesh/kafka';
import type { CliIo, ParsedArgs } from './cli.command';

export const KAFKA_ACCESS_OPTIONS = {
  'kafka-secrets-dir': { type: 'string' },
  site: { type: 'string', multiple: true },
  'principal-prefix': { type: 'string' },
} as const;

export const KAFKA_ACCESS_HELP = `Kafka access (a cluster with SASL/SCRAM and an authorizer; the CLI logs in as FIELDMESH_KAFKA_* says, an admin):
  --kafka-secrets-dir <dir>  where each principal's password file is (env FIELDMESH_KAFKA_SECRETS_DIR); with it,
                             'products apply' makes a SCRAM user per component and the ACLs the contracts imply
  --site <id>                a site whose gateway publishes the source products (repeatable): principal
                             fieldmesh-gateway-<id>, allowed to write the raw product and its DLQ only
  --principal-prefix <name>  the principals' prefix, to keep environments on one cluster apart (default
                             fieldmesh; env FIELDMESH_KAFKA_PRINCIPAL_PREFIX)
  Principals: fieldmesh-domain-<domain> writes its products and DLQs and reads its declared upstream;
  fieldmesh-registry alone writes _schemas and _fieldmesh.contract-audit; fieldmesh-clickhouse-sink,
  fieldmesh-console, fieldmesh-slo-monitor and fieldmesh-analyst read products; fieldmesh-slo-monitor alone
  writes _fieldmesh.slo; fieldmesh-console writes only the products whose contract lists it in kafka.writers
  (the alerts: people's workflow steps); fieldmesh-fleet-operator alone writes gateways' desired states and the
  rollout audit trail ('fleet rollout'). Passwords are made once into <secrets-dir>/<principal>.password
  (0600) and never printed.`;

export interface KafkaAccessSelection {
  sites: string[];
  principalPrefix: string | undefined;
  secretsDir: string | undefined;
}

export function kafkaAccessOf(args: ParsedArgs, io: CliIo): KafkaAccessSelection {
  const dir = args.values['kafka-secrets-dir'] ?? io.env.FIELDMESH_KAFKA_SECRETS_DIR;
  const sites = args.values.site;
  const prefix = args.values['principal-prefix'] ?? io.env.FIELDMESH_KAFKA_PRINCIPAL_PREFIX;
  return {
    sites: Array.isArray(sites) ? sites.map(String) : [],
    principalPrefix: typeof prefix === 'string' && prefix !== '' ? prefix : undefined,
    secretsDir: typeof dir === 'string' && dir !== '' ? resolve(io.cwd, dir) : undefined,
  };
}

function planOf(contracts: readonly LoadedContract[], selection: KafkaAccessSelection) {
  return kafkaAccessPlan(contracts, { sites: selection.sites, ...(selection.principalPrefix ? { principalPrefix: selection.principalPrefix } : {}) });
}

/** Makes the cluster's principals and ACLs match the contracts; `secretsDir` keeps the passwords. */
export async function applyKafkaAccessOf(
  brokers: string[],
  contracts: readonly LoadedContract[],
  selection: KafkaAccessSelection & { secretsDir: string },
): Promise<KafkaAccessApplied> {
  const access = new KafkaAccessAdmin({ clientId: 'fieldmesh-cli', brokers });
  try {
    return await applyKafkaAccess(access, planOf(contracts, selection), selection.secretsDir);
  } finally {
    await access.close();
  }
}

/** The ACL drift of the cluster against the contracts: grants missing, and grants no contract declares. */
export async function kafkaAclDriftOf(brokers: string[], contracts: readonly LoadedContract[], selection: KafkaAccessSelection): Promise<AclDrift & { principals: string[] }> {
  const access = new KafkaAccessAdmin({ clientId: 'fieldmesh-cli', brokers });
  try {
    const plan = planOf(contracts, selection);
    return { principals: plan.principals, ...aclDrift(plan, await access.acls()) };
  } finally {
    await access.close();
  }
}

export function describeKafkaAccess(applied: KafkaAccessApplied, secretsDir: string): string[] {
  return [
    `kafka access: ${applied.principals.length} principal(s) (SCRAM-SHA-512; password files ${principalPasswordFile(secretsDir, '<principal>')}) · ` +
      `${applied.missing.length} ACL(s) created · ${applied.unexpected.length} undeclared ACL(s) removed`,
    ...applied.missing.map((binding) => `  + ${aclKey(binding)}`),
    ...applied.unexpected.map((binding) => `  - ${aclKey(binding)}`),
  ];
}
