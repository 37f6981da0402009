import type { ServerCapabilities } from './server.capabilities';
import { quoteIdentifier } from './table.plan';

export interface AnalystAccess {
  user: string;
  password: string;
  database: string;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * SQL access control (20.5+): a role that may only read the warehouse database, and a user holding it
 * whose `readonly = 1` also forbids changing settings, so analysts cannot write or drop anything.
 */
export function analystAccessSql(access: AnalystAccess, role = 'fieldmesh_analyst'): string[] {
  return [
    `CREATE ROLE IF NOT EXISTS ${quoteIdentifier(role)}`,
    `GRANT SELECT ON ${quoteIdentifier(access.database)}.* TO ${quoteIdentifier(role)}`,
    `CREATE USER IF NOT EXISTS ${quoteIdentifier(access.user)} IDENTIFIED WITH sha256_password BY ${literal(access.password)} DEFAULT ROLE ${quoteIdentifier(role)} DEFAULT DATABASE ${quoteIdentifier(access.database)} SETTINGS readonly = 1`,
    `GRANT ${quoteIdentifier(role)} TO ${quoteIdentifier(access.user)}`,
  ];
}

/**
 * Servers before SQL access control (18.16) take users from users.xml and merge `users.d/*.xml` beside
 * it, reloading within seconds: this file adds a `readonly = 1` profile and an analyst user bound to it,
 * limited to the warehouse database and to 127.0.0.1.
 */
export function analystUsersXml(access: AnalystAccess, profile = 'fieldmesh_analyst'): string {
  return `<?xml version="1.0"?>
<yandex>
    <profiles>
        <${profile}>
            <readonly>1</readonly>
        </${profile}>
    </profiles>
    <users>
        <${access.user}>
            <password>${xml(access.password)}</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>${profile}</profile>
            <quota>default</quota>
            <allow_databases><database>${xml(access.database)}</database></allow_databases>
        </${access.user}>
    </users>
</yandex>
`;
}

/** How to give analysts read-only access on this server: SQL statements or a users.d file. */
export function analystAccessFor(caps: ServerCapabilities, access: AnalystAccess): { kind: 'sql'; statements: string[] } | { kind: 'users.d'; fileName: string; xml: string } {
  if (caps.sqlAccessControl) return { kind: 'sql', statements: analystAccessSql(access) };
  return { kind: 'users.d', fileName: `${access.user}.xml`, xml: analystUsersXml(access) };
}
