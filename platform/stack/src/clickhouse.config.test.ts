import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_USER, clickhouseConfigXml, clickhouseUsersXml } from './clickhouse.config';

describe('clickhouse config', () => {
  const config = clickhouseConfigXml({ httpPort: 48123, tcpPort: 49000, dataDir: '/stack/clickhouse/data', logFile: '/stack/logs/clickhouse.log' });

  it('uses the <yandex> root that ClickHouse 18.16 requires', () => {
    expect(config).toMatch(/^<\?xml version="1.0"\?>\n<yandex>/);
    expect(config.trimEnd()).toMatch(/<\/yandex>$/);
  });

  it('listens on 127.0.0.1 on the given ports and keeps everything under the stack folder', () => {
    expect(config).toContain('<listen_host>127.0.0.1</listen_host>');
    expect(config).toContain('<http_port>48123</http_port>');
    expect(config).toContain('<tcp_port>49000</tcp_port>');
    expect(config).toContain('<path>/stack/clickhouse/data/</path>');
    expect(config).toContain('<tmp_path>/stack/clickhouse/data/tmp/</tmp_path>');
    expect(config).toContain('<log>/stack/logs/clickhouse.log</log>');
    expect(config).not.toContain('/var/lib/clickhouse');
  });

  it('has a password-protected fieldmesh user, escapes the password, and locks default (nothing anonymous)', () => {
    const users = clickhouseUsersXml({ password: 'a<b&c', lockedDefaultSha256: 'ab'.repeat(32) });
    expect(CLICKHOUSE_USER).toBe('fieldmesh');
    expect(users).toMatch(/<fieldmesh>\s*<password>a&lt;b&amp;c<\/password>/);
    expect(users).toMatch(new RegExp(`<default>\\s*<password_sha256_hex>${'ab'.repeat(32)}</password_sha256_hex>`));
    expect(users).not.toMatch(/<default>\s*<password>/);
    expect(users).not.toContain('::/0');
  });

  it('a single server has no interserver port, ZooKeeper or cluster', () => {
    for (const tag of ['interserver_http_port', 'zookeeper', 'remote_servers', 'macros', 'distributed_ddl']) expect(config).not.toContain(`<${tag}>`);
  });

  it('a replica joins one shard of every replica with internal replication, ZooKeeper, its macros and the ON CLUSTER queue', () => {
    const replica = clickhouseConfigXml({
      httpPort: 48124,
      tcpPort: 49001,
      dataDir: '/stack/clickhouse-2/data',
      logFile: '/stack/logs/clickhouse-2.log',
      replication: {
        interserverPort: 49009,
        zookeeper: { host: '127.0.0.1', port: 42181 },
        clusterName: 'fieldmesh',
        replicas: [
          { host: '127.0.0.1', tcpPort: 49000 },
          { host: '127.0.0.1', tcpPort: 49001 },
        ],
        replicaName: 'clickhouse-2',
        user: 'fieldmesh',
        password: 'p<w',
      },
    });
    expect(replica).toContain('<interserver_http_host>127.0.0.1</interserver_http_host>');
    expect(replica).toContain('<interserver_http_port>49009</interserver_http_port>');
    expect(replica).toMatch(/<zookeeper>\s*<node>\s*<host>127.0.0.1<\/host>\s*<port>42181<\/port>/);
    const cluster = /<fieldmesh>([\s\S]*)<\/fieldmesh>/.exec(replica)?.[1] ?? '';
    expect(cluster.match(/<shard>/g)).toHaveLength(1);
    expect(cluster).toContain('<internal_replication>true</internal_replication>');
    expect([...cluster.matchAll(/<port>(\d+)<\/port>/g)].map((m) => Number(m[1]))).toEqual([49000, 49001]);
    expect(cluster.match(/<password>p&lt;w<\/password>/g)).toHaveLength(2);
    expect(replica).toMatch(/<macros>\s*<shard>01<\/shard>\s*<replica>clickhouse-2<\/replica>\s*<\/macros>/);
    expect(replica).toMatch(/<distributed_ddl>\s*<path>\/clickhouse\/task_queue\/ddl<\/path>/);
    expect(replica.trimEnd()).toMatch(/<\/yandex>$/);
  });
});
