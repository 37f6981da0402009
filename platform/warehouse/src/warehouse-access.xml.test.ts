import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_NAMES } from './warehouse-access.plan';
import { gatewayClusterXml, warehouseUsersXml } from './warehouse-access.xml';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const users = warehouseUsersXml({
  names: DEFAULT_ACCESS_NAMES,
  analyst: { password: 'analyst-secret', networks: ['10.1.0.0/16'] },
  sink: { password: 'sink-secret', networks: [] },
  gatewayPassword: 'gateway-secret',
});
const section = (name: string, where: 'profiles' | 'users') => {
  const block = new RegExp(`<${where}>([\\s\\S]*)</${where}>`).exec(users)![1]!;
  return new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(block)![1]!;
};

describe('users.d for ClickHouse 18.16', () => {
  it('uses the <yandex> root 18.16 reads', () => {
    expect(users).toMatch(/^<\?xml version="1.0"\?>\n<!--[^\n]*-->\n<yandex>/);
  });

  it('makes the analyst readonly = 1 (no writes, no settings changes) and limits it to the analyst database', () => {
    expect(section('fieldmesh_analyst', 'profiles')).toContain('<readonly>1</readonly>');
    // The analyst tables must read over TCP as the gateway, never in-process as the analyst.
    expect(section('fieldmesh_analyst', 'profiles')).toContain('<prefer_localhost_replica>0</prefer_localhost_replica>');
    expect(section('fieldmesh_analyst', 'users')).toContain('<allow_databases><database>fieldmesh_analyst</database></allow_databases>');
    expect(section('fieldmesh_analyst', 'users')).toContain('<networks><ip>10.1.0.0/16</ip></networks>');
  });

  it('limits the sink to inserting into the product database (no DDL), from loopback by default', () => {
    expect(section('fieldmesh_sink', 'profiles')).not.toContain('readonly');
    expect(section('fieldmesh_sink', 'profiles')).toContain('<allow_ddl>0</allow_ddl>');
    expect(section('fieldmesh_sink', 'users')).toContain('<allow_databases><database>fieldmesh</database></allow_databases>');
    expect(section('fieldmesh_sink', 'users')).toContain('<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>');
  });

  it('lets the gateway read the product database from loopback only', () => {
    expect(section('fieldmesh_analyst_gateway', 'profiles')).toContain('<readonly>1</readonly>');
    expect(section('fieldmesh_analyst_gateway', 'users')).toContain('<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>');
    expect(section('fieldmesh_analyst_gateway', 'users')).toContain('<allow_databases><database>fieldmesh</database></allow_databases>');
  });

  it('stores SHA-256 digests of the passwords, never the passwords', () => {
    expect(users).not.toMatch(/secret/);
    expect(users).not.toContain('<password>');
    expect(section('fieldmesh_analyst', 'users')).toContain(`<password_sha256_hex>${sha256('analyst-secret')}</password_sha256_hex>`);
    expect(section('fieldmesh_sink', 'users')).toContain(`<password_sha256_hex>${sha256('sink-secret')}</password_sha256_hex>`);
  });

  it('adds domain analysts with the analyst profile, each to its own database, and lets the gateway read the row-policy views', () => {
    const withDomains = warehouseUsersXml({
      names: DEFAULT_ACCESS_NAMES,
      analyst: { password: 'a', networks: [] },
      sink: { password: 's', networks: [] },
      gatewayPassword: 'g',
      domainAnalysts: [{ user: 'fieldmesh_analyst_energy', database: 'fieldmesh_analyst_energy', credentials: { password: 'e', networks: [] } }],
      rowPolicyDatabase: 'fieldmesh_row_policies',
    });
    expect(withDomains).toMatch(
      /<fieldmesh_analyst_energy>[\s\S]*<profile>fieldmesh_analyst<\/profile>[\s\S]*<allow_databases><database>fieldmesh_analyst_energy<\/database><\/allow_databases>\s*<\/fieldmesh_analyst_energy>/,
    );
    expect(withDomains).toMatch(
      /<fieldmesh_analyst_gateway>[\s\S]*<allow_databases><database>fieldmesh<\/database><database>fieldmesh_row_policies<\/database><\/allow_databases>/,
    );
  });

  it('declares the gateway cluster on the server itself, escaping the password', () => {
    const cluster = gatewayClusterXml(DEFAULT_ACCESS_NAMES, { host: '127.0.0.1', tcpPort: 49000 }, 'a<b&c');
    expect(cluster).toMatch(
      /<fieldmesh_analyst_gateway>\s*<shard>\s*<replica>\s*<host>127\.0\.0\.1<\/host>\s*<port>49000<\/port>\s*<user>fieldmesh_analyst_gateway<\/user>\s*<password>a&lt;b&amp;c<\/password>/,
    );
  });
});
