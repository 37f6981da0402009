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
});
