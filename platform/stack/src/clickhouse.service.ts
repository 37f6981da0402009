import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { CLICKHOUSE_USER, clickhouseConfigXml, clickhouseUsersXml, type ClickhouseReplication } from './clickhouse.config';
import { clickhouseReplicaId, clickhouseReplicaName, port, secret, type ServiceDefinition, type ServiceSettings } from './service';
import { readState } from './stack.state';
import { ensureDebianExecutable } from './system-package.installer';

/** The `remote_servers` cluster of a replicated stack's ClickHouse: one shard, every replica. */
export const CLICKHOUSE_CLUSTER = 'fieldmesh';

function url(settings: ServiceSettings): string {
  return `http://127.0.0.1:${port(settings, 'http')}`;
}

const install = () => ensureDebianExecutable('clickhouse', 'clickhouse-server', ['clickhouse-server', 'clickhouse-client']);

/** The stack's ClickHouse replicas and ZooKeeper, from state.json; undefined for a single server. */
function replicationOf(stackDir: string, replicaName: string, settings: ServiceSettings): Omit<ClickhouseReplication, 'password'> | undefined {
  const services = readState(stackDir).services;
  const replicas = services.filter((service) => clickhouseReplicaId(service.name) !== undefined);
  const zookeeper = services.find((service) => service.name === 'zookeeper');
  if (replicas.length < 2 || !zookeeper) return undefined;
  return {
    interserverPort: port(settings, 'interserver'),
    zookeeper: { host: '127.0.0.1', port: port(zookeeper, 'client') },
    clusterName: CLICKHOUSE_CLUSTER,
    replicas: replicas.map((replica) => ({ host: '127.0.0.1', tcpPort: port(replica, 'tcp') })),
    replicaName,
    user: CLICKHOUSE_USER,
  };
}

/** Every replica logs in its users with the first replica's password: Distributed tables and ON CLUSTER DDL use one user on all. */
function stackPassword(stackDir: string): string {
  const first = readState(stackDir).services.find((service) => service.name === clickhouseReplicaName(1));
  if (!first) throw new Error(`${stackDir}/state.json lists no service 'clickhouse': replicas share its password`);
  return secret(first, 'password');
}

/**
 * Debian's ClickHouse server (18.16 on these machines) as our own process, not the system service:
 * `clickhouse` alone by default; with `clickhouse: { replicas: N }` also `clickhouse-2`… and ZooKeeper,
 * each replica with its own ports and data, all in one `remote_servers` cluster with the same users.
 */
export function clickhouseReplicaService(replica: number): ServiceDefinition {
  const name = clickhouseReplicaName(replica);
  return {
    name,
    portNames: ['http', 'tcp', 'interserver'],
    // Replicas after the first use the first one's password (stackPassword).
    createSecrets: () => (replica === 1 ? { password: randomBytes(12).toString('hex') } : {}),
    dependsOn: [],
    // A replica starts without ZooKeeper but is ready only once its session is up (see probe).
    readyTimeoutMs: 60_000,

    async install() {
      await install();
    },

    async prepare(context) {
      const binary = await install();
      const dataDir = join(context.dir, 'data');
      mkdirSync(dataDir, { recursive: true });
      const configFile = join(context.dir, 'config.xml');
      const password = stackPassword(context.stackDir);
      const replication = replicationOf(context.stackDir, name, context.settings);
      writeFileSync(
        configFile,
        clickhouseConfigXml({
          httpPort: port(context.settings, 'http'),
          tcpPort: port(context.settings, 'tcp'),
          dataDir,
          logFile: context.logFile,
          ...(replication ? { replication: { ...replication, password } } : {}),
        }),
        // The cluster's replicas carry the password in clear (the server sends it to the others).
        { mode: 0o600 },
      );
      const lockedDefaultSha256 = createHash('sha256').update(randomBytes(32)).digest('hex');
      writeFileSync(join(context.dir, 'users.xml'), clickhouseUsersXml({ password, lockedDefaultSha256 }));
      return { command: binary, args: [`--config-file=${configFile}`], cwd: context.dir };
    },

    async probe(context) {
      const response = await fetch(`${url(context.settings)}/ping`, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      if (body !== 'Ok.\n') throw new Error(`GET /ping answered ${response.status} '${body.trim()}', expected 'Ok.'`);
      // The official client, with the password, over HTTP: what the sink will do.
      const client = createClient({
        url: url(context.settings),
        username: CLICKHOUSE_USER,
        password: stackPassword(context.stackDir),
        request_timeout: 5_000,
        // A failed attempt is the probe's answer (shown if the service never gets ready), not an error to log.
        log: { level: ClickHouseLogLevel.OFF },
      });
      try {
        const result = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
        const rows = await result.json<{ one: number }>();
        if (rows[0]?.one !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(rows)}`);
        // A replica without a ZooKeeper session keeps its replicated tables read-only and runs no ON CLUSTER DDL.
        if (replicationOf(context.stackDir, name, context.settings)) await client.query({ query: "SELECT count() FROM system.zookeeper WHERE path = '/'" });
      } finally {
        await client.close();
      }
    },

    addresses(settings, stackDir) {
      const replicated = readState(stackDir).services.some((service) => service.name === 'zookeeper');
      const cluster = replicated ? { clickhouseReplicaUrls: url(settings), clickhouseCluster: CLICKHOUSE_CLUSTER } : {};
      // The first replica is the stack's ClickHouse: the others only add their URL to clickhouseReplicaUrls.
      if (replica > 1) return cluster;
      return { clickhouseUrl: url(settings), clickhouseUser: CLICKHOUSE_USER, clickhousePassword: secret(settings, 'password'), ...cluster };
    },
  };
}

/** The single server of a default stack, replica 1 of a replicated one. */
export const clickhouseService: ServiceDefinition = clickhouseReplicaService(1);
