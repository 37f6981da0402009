export interface ClickhouseConfigInput {
  httpPort: number;
  tcpPort: number;
  /** Folder for data, metadata and temporary files. */
  dataDir: string;
  logFile: string;
  /** Present for a replica of a replicated stack; a single server leaves it out. */
  replication?: ClickhouseReplication;
}

/** What one replica needs to know about the others: ZooKeeper, the cluster and its own place in it. */
export interface ClickhouseReplication {
  /** Where replicas fetch parts from each other (interserver HTTP). */
  interserverPort: number;
  zookeeper: { host: string; port: number };
  /** The `remote_servers` cluster: one shard holding every replica. */
  clusterName: string;
  replicas: Array<{ host: string; tcpPort: number }>;
  /** This server's `{replica}` macro (its service name); `{shard}` is 01, the only shard. */
  replicaName: string;
  /** The stack user Distributed tables and ON CLUSTER DDL log in to the replicas as (the same on every replica). */
  user: string;
  password: string;
}

export const CLICKHOUSE_USER = 'fieldmesh';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The replication part of config.xml: one shard with every replica and `internal_replication` true (an
 * insert through a Distributed table goes to one replica, ReplicatedMergeTree copies it to the others),
 * ZooKeeper, the `{shard}`/`{replica}` macros the replicated tables' paths use, and the ON CLUSTER queue.
 */
function replicationXml(replication: ClickhouseReplication): string {
  const replicas = replication.replicas
    .map(
      (replica) => `                <replica>
                    <host>${escapeXml(replica.host)}</host>
                    <port>${replica.tcpPort}</port>
                    <user>${escapeXml(replication.user)}</user>
                    <password>${escapeXml(replication.password)}</password>
                </replica>`,
    )
    .join('\n');
  return `    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>${replication.interserverPort}</interserver_http_port>
    <zookeeper>
        <node>
            <host>${escapeXml(replication.zookeeper.host)}</host>
            <port>${replication.zookeeper.port}</port>
        </node>
        <!-- A replica killed with -9 leaves its is_active znode until its session expires; its restart waits that long to take writes. -->
        <session_timeout_ms>10000</session_timeout_ms>
    </zookeeper>
    <remote_servers>
        <${replication.clusterName}>
            <shard>
                <internal_replication>true</internal_replication>
${replicas}
            </shard>
        </${replication.clusterName}>
    </remote_servers>
    <macros>
        <shard>01</shard>
        <replica>${escapeXml(replication.replicaName)}</replica>
    </macros>
    <distributed_ddl>
        <path>/clickhouse/task_queue/ddl</path>
    </distributed_ddl>
`;
}

/**
 * config.xml in the `<yandex>` format that Debian's ClickHouse 18.16 reads (newer servers still accept it).
 * Caches are small because this is a test server on a 2-core machine, not the 8 GiB defaults; the
 * interserver port, ZooKeeper and the cluster only for a replica (`replication`).
 */
export function clickhouseConfigXml(input: ClickhouseConfigInput): string {
  const dir = input.dataDir.endsWith('/') ? input.dataDir : `${input.dataDir}/`;
  return `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>${escapeXml(input.logFile)}</log>
        <size>100M</size>
        <count>1</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${input.httpPort}</http_port>
    <tcp_port>${input.tcpPort}</tcp_port>
    <path>${escapeXml(dir)}</path>
    <tmp_path>${escapeXml(dir)}tmp/</tmp_path>
    <user_files_path>${escapeXml(dir)}user_files/</user_files_path>
    <format_schema_path>${escapeXml(dir)}format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <max_concurrent_queries>100</max_concurrent_queries>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mlock_executable>false</mlock_executable>
${input.replication ? replicationXml(input.replication) : ''}</yandex>
`;
}

/**
 * users.xml: the password-protected `fieldmesh` user the stack's tools and tests log in as, from 127.0.0.1
 * only. `default` is locked: nothing anonymous reaches the warehouse. ClickHouse logs a request without
 * credentials in as `default`, so it keeps a password nobody knows (the SHA-256 of random bytes the caller
 * throws away) rather than disappearing, which would make such a request an "unknown user" instead of a
 * refused login. `fieldmesh products apply --clickhouse-config-dir` adds the analyst and sink users in users.d.
 */
export function clickhouseUsersXml(input: { password: string; lockedDefaultSha256: string }): string {
  const user = (name: string, credential: string) => `        <${name}>
            ${credential}
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </${name}>`;
  return `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
        </default>
    </profiles>
    <users>
${user('default', `<password_sha256_hex>${escapeXml(input.lockedDefaultSha256)}</password_sha256_hex>`)}
${user(CLICKHOUSE_USER, `<password>${escapeXml(input.password)}</password>`)}
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`;
}
