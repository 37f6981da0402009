import { pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  Admin,
  AclOperations,
  AclPermissionTypes,
  alterUserScramCredentialsV0,
  Connection,
  describeAclsV3,
  describeUserScramCredentialsV0,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import { kafkaClientConfigSchema, parseOptions } from './config';
import { KafkaAdminFailed } from './errors';
import { clientSecurity } from './kafka.factory';
import { platformaticSecurityOptions } from './kafka.security';
import type { KafkaClientConfig } from './ports';
import { ignoreLateConnectionErrors } from './platformatic.base';

export type AclResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'CREATE' | 'DESCRIBE_CONFIGS' | 'IDEMPOTENT_WRITE';

/** One ALLOW rule, as `kafka-acls --add --allow-principal … --operation … --topic/--group …` states it. */
export interface AclBinding {
  /** `User:<name>`. */
  principal: string;
  resourceType: AclResourceType;
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
  operation: AclOperation;
}

/** SCRAM iterations: Kafka's own tools default to 4096; more only slows every login. */
const SCRAM_ITERATIONS = 8192;
/** The protocol's mechanism codes (ScramMechanism): 1 SCRAM-SHA-256, 2 SCRAM-SHA-512. */
const SCRAM_SHA_512 = 2;

export function aclKey(binding: AclBinding): string {
  return `${binding.principal} ${binding.operation} ${binding.resourceType}:${binding.patternType === 'PREFIXED' ? `${binding.resourceName}*` : binding.resourceName}`;
}

/**
 * Principals and ACLs of a cluster: SCRAM users and ALLOW bindings (an authorizer denying what no ACL
 * allows is assumed). On @platformatic/kafka alone: kafkajs has no AlterUserScramCredentials.
 */
export class KafkaAccessAdmin {
  private readonly admin: Admin;
  private readonly security: ReturnType<typeof platformaticSecurityOptions>;

  constructor(private readonly config: KafkaClientConfig) {
    const settings = parseOptions('Kafka client config', kafkaClientConfigSchema, config);
    this.security = platformaticSecurityOptions(clientSecurity(settings));
    this.admin = new Admin({ clientId: settings.clientId, bootstrapBrokers: settings.brokers, retries: 3, retryDelay: 500, ...this.security });
    ignoreLateConnectionErrors(this.admin);
  }

  /** Creates the SCRAM-SHA-512 user or sets its password; only the salted password goes to the broker. */
  async upsertScramUser(username: string, password: string): Promise<void> {
    const salt = randomBytes(32);
    const saltedPassword = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 64, 'sha512');
    const [host, port] = this.config.brokers[0]!.split(':') as [string, string];
    try {
      const response = await this.onBroker({ host, port: Number(port) }, (connection) =>
        alterUserScramCredentialsV0.api.async(connection, [], [{ name: username, mechanism: SCRAM_SHA_512, iterations: SCRAM_ITERATIONS, salt, saltedPassword }]),
      );
      const failed = response.results.find((result) => result.errorCode !== 0);
      if (failed) throw new Error(`error ${failed.errorCode}: ${failed.errorMessage ?? 'no message'}`);
    } catch (cause) {
      throw new KafkaAdminFailed('upsert SCRAM user', username, { cause });
    }
  }

  /**
   * What each live broker of the cluster shows itself: its ALLOW bindings and which of `users` it knows as
   * SCRAM-SHA-512 users. In KRaft every broker applies users and ACLs from the metadata log on its own time,
   * so a grant one broker shows may still be missing on another that a component then talks to.
   */
  async accessOnEachBroker(users: readonly string[]): Promise<Array<{ broker: string; acls: AclBinding[]; scramUsers: Set<string> }>> {
    const metadata = await this.admin.metadata({ topics: [] }).catch((cause: unknown) => {
      throw new KafkaAdminFailed('list brokers', this.config.brokers.join(','), { cause });
    });
    return Promise.all(
      [...metadata.brokers.values()].map(async ({ host, port }) => {
        const broker = `${host}:${port}`;
        try {
          return await this.onBroker({ host, port }, async (connection) => {
            const described = await describeAclsV3.api.async(connection, ALL_ALLOW_BINDINGS);
            const scram =
              users.length === 0
                ? { results: [] }
                : await describeUserScramCredentialsV0.api.async(
                    connection,
                    users.map((name) => ({ name })),
                  );
            const scramUsers = new Set(
              scram.results.filter((result) => result.errorCode === 0 && result.credentialInfos.some((info) => info.mechanism === SCRAM_SHA_512)).map((result) => result.user),
            );
            return { broker, acls: bindingsOf(described.resources), scramUsers };
          });
        } catch (cause) {
          throw new KafkaAdminFailed('describe users and ACLs', broker, { cause });
        }
      }),
    );
  }

  /** One request-response exchange with one broker over a connection of its own (the Admin picks brokers itself). */
  private async onBroker<T>(broker: { host: string; port: number }, exchange: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = new Connection(this.config.clientId, { connectTimeout: 5_000, requestTimeout: 10_000, ...this.security });
    // Failures reach the exchange's promise; a late second 'error' (see ignoreLateConnectionErrors) must not crash.
    connection.on('error', () => undefined);
    try {
      await connection.connect(broker.host, broker.port);
      return await exchange(connection);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Every ALLOW binding on the cluster (as the broker the admin asks shows them). */
  async acls(): Promise<AclBinding[]> {
    const resources = await this.admin.describeAcls({ filter: ALL_ALLOW_BINDINGS }).catch((cause: unknown) => {
      throw new KafkaAdminFailed('describe ACLs', this.config.brokers.join(','), { cause });
    });
    return bindingsOf(resources);
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.admin.createAcls({ creations: bindings.map(toAcl) }).catch((cause: unknown) => {
      throw new KafkaAdminFailed('create ACLs', bindings.map(aclKey).join('; '), { cause });
    });
  }

  async deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.admin.deleteAcls({ filters: bindings.map(toAcl) }).catch((cause: unknown) => {
      throw new KafkaAdminFailed('delete ACLs', bindings.map(aclKey).join('; '), { cause });
    });
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}

const ALL_ALLOW_BINDINGS = {
  resourceType: ResourceTypes.ANY,
  resourceName: null,
  resourcePatternType: ResourcePatternTypes.ANY,
  principal: null,
  host: null,
  operation: AclOperations.ANY,
  permissionType: AclPermissionTypes.ALLOW,
};

function bindingsOf(
  resources: ReadonlyArray<{ resourceType: number; resourceName: string; resourcePatternType: number; acls: ReadonlyArray<{ principal: string; operation: number }> }>,
): AclBinding[] {
  return resources.flatMap((resource) =>
    resource.acls.map((acl) => ({
      principal: acl.principal,
      resourceType: labelOf(ResourceTypes, resource.resourceType) as AclResourceType,
      resourceName: resource.resourceName,
      patternType: labelOf(ResourcePatternTypes, resource.resourcePatternType) as AclBinding['patternType'],
      operation: labelOf(AclOperations, acl.operation) as AclOperation,
    })),
  );
}

function toAcl(binding: AclBinding) {
  return {
    resourceType: ResourceTypes[binding.resourceType],
    resourceName: binding.resourceName,
    resourcePatternType: ResourcePatternTypes[binding.patternType],
    principal: binding.principal,
    host: '*',
    operation: AclOperations[binding.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

function labelOf(values: Record<string, number>, value: number): string {
  return Object.entries(values).find(([, candidate]) => candidate === value)?.[0] ?? String(value);
}
