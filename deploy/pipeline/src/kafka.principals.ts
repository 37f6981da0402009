import { applyKafkaAccess, kafkaAccessPlan, principalNamesFor, principalPasswordFile, type LoadedContract } from '@fieldmesh/governance';
import { KafkaAccessAdmin, type KafkaSecurity } from '@fieldmesh/kafka';

/** Where the run's components get their Kafka principals: the passwords' folder and the CA the broker's certificate chains to. */
export interface PipelineKafkaAccess {
  secretsDir: string;
  caFile: string;
  principalPrefix?: string;
}

export interface ComponentPrincipals {
  gateway(site: string): KafkaSecurity;
  domain(domain: string): KafkaSecurity;
  sink: KafkaSecurity;
  registry: KafkaSecurity;
  console: KafkaSecurity;
  slo: KafkaSecurity;
  /** Analysts' tools: products read in groups `analyst.*`, nothing written. */
  analyst: KafkaSecurity;
  /** Every principal the plan made, for the run's log. */
  principals: string[];
}

/**
 * Applies the contracts' Kafka access plan (as `fieldmesh products apply --kafka-secrets-dir` does) and
 * hands each component (the gateway, each domain, the sink, the registry, the console, the SLO monitor, analysts' tools) the SASL_SSL
 * settings of its own principal: least privilege at run time, not only
 * on paper. The pipeline itself (provisioning, lineage, the plant clock) stays the operator's admin.
 */
export async function componentPrincipals(
  brokers: string,
  contracts: readonly LoadedContract[],
  access: PipelineKafkaAccess,
  sites: readonly string[],
): Promise<ComponentPrincipals> {
  const admin = new KafkaAccessAdmin({ clientId: 'fieldmesh-plant-pipeline', brokers: brokers.split(',') });
  try {
    const prefix = access.principalPrefix ? { principalPrefix: access.principalPrefix } : {};
    const { principals } = await applyKafkaAccess(admin, kafkaAccessPlan(contracts, { sites, ...prefix }), access.secretsDir);
    const names = principalNamesFor(access.principalPrefix);
    const securityOf = (username: string): KafkaSecurity => ({
      protocol: 'SASL_SSL',
      caFile: access.caFile,
      sasl: { mechanism: 'SCRAM-SHA-512', username, passwordFile: principalPasswordFile(access.secretsDir, username) },
    });
    return {
      gateway: (site) => securityOf(names.gateway(site)),
      domain: (domain) => securityOf(names.domain(domain)),
      sink: securityOf(names.sink),
      registry: securityOf(names.registry),
      console: securityOf(names.console),
      slo: securityOf(names.slo),
      analyst: securityOf(names.analyst),
      principals,
    };
  } finally {
    await admin.close();
  }
}
