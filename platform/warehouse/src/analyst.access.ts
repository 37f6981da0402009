import { quoteIdentifier } from './table.plan';

export interface AnalystAccess {
  user: string;
  password: string;
  database: string;
}

const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * SQL access control (20.5+): a role that may only read the warehouse database, and a user holding it
 * whose `readonly = 1` also forbids changing settings, so analysts cannot write or drop anything.
 * Not applied by anything yet: the stack's 18.16 server has no SQL access control, so
 * `installWarehouseAccess` (users.d, warehouse-access.installer.ts) is what `products apply` runs.
 */
export function analystAccessSql(access: AnalystAccess, role = 'fieldmesh_analyst'): string[] {
  return [
    `CREATE ROLE IF NOT EXISTS ${quoteIdentifier(role)}`,
    `GRANT SELECT ON ${quoteIdentifier(access.database)}.* TO ${quoteIdentifier(role)}`,
    `CREATE USER IF NOT EXISTS ${quoteIdentifier(access.user)} IDENTIFIED WITH sha256_password BY ${literal(access.password)} DEFAULT ROLE ${quoteIdentifier(role)} DEFAULT DATABASE ${quoteIdentifier(access.database)} SETTINGS readonly = 1`,
    `GRANT ${quoteIdentifier(role)} TO ${quoteIdentifier(access.user)}`,
  ];
}
