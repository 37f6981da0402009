import { createHash } from 'node:crypto';
import type { WarehouseAccessNames } from './warehouse-access.plan';

/** A user's password and the networks it may log in from. */
export interface UserCredentials {
  password: string;
  /** Addresses or CIDR ranges (`<ip>` entries); loopback when empty. */
  networks: string[];
}

export interface WarehouseUsersInput {
  names: WarehouseAccessNames;
  analyst: UserCredentials;
  sink: UserCredentials;
  /** Only ever from loopback: the server connects to itself with it. */
  gatewayPassword: string;
  /** Analysts of one domain each (from the contracts' row policies): readonly like the analyst, their own database only. */
  domainAnalysts?: Array<{ user: string; database: string; credentials: UserCredentials }>;
  /** The database of the row-policy views, which the gateway reads besides the products. */
  rowPolicyDatabase?: string;
}

const LOOPBACK = ['127.0.0.1', '::1'];

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function userXml(name: string, profile: string, credentials: UserCredentials, databases: string[]): string {
  const networks = (credentials.networks.length > 0 ? credentials.networks : LOOPBACK).map((ip) => `<ip>${xml(ip)}</ip>`).join('');
  return `        <${name}>
            <password_sha256_hex>${sha256Hex(credentials.password)}</password_sha256_hex>
            <networks>${networks}</networks>
            <profile>${profile}</profile>
            <quota>default</quota>
            <allow_databases>${databases.map((d) => `<database>${xml(d)}</database>`).join('')}</allow_databases>
        </${name}>`;
}

/**
 * The users.d file for ClickHouse 18.16, which has no SQL access control: users, settings profiles
 * and `allow_databases` are all it offers (no per-table or per-column grants, no row policies: its
 * users config ignores `<databases><db><table><filter>`, tried on 18.16.1). Passwords are stored as
 * SHA-256 only. The server merges users.d into users.xml and reloads it within seconds.
 *
 * - analyst: `readonly = 1` (no INSERT, ALTER, DROP, CREATE, and no changing settings, so it cannot turn
 *   `prefer_localhost_replica` back on), and only the analyst database. Not `readonly = 2`: that lets
 *   table functions through, and `url()` would make the server fetch any address for the analyst (tried
 *   on 18.16.1); the price is that analysts' tools must not send settings with their queries;
 * - sink: only the product database, and `allow_ddl = 0`: it inserts, and may not CREATE, ALTER (no DROP
 *   PARTITION, no mutation), DROP, TRUNCATE, RENAME, DETACH or OPTIMIZE anything (tried on 18.16.1: code
 *   392). `fieldmesh products apply` makes its tables and offset ledger as the admin, and the sink creates
 *   only what is missing. It still reads the product database: 18.16 grants databases, not statements
 *   (`readonly` forbids INSERT too), and the sink reads which offsets a table holds before each insert;
 * - gateway: readonly, only the product database (and the row-policy views), only from loopback; the
 *   analyst tables read as it;
 * - domain analysts: the analyst's profile, each limited to its domain's database.
 *
 * `system` stays readable to every user: 18.16 always allows it (table and column names, no data).
 */
export function warehouseUsersXml(input: WarehouseUsersInput): string {
  const { names } = input;
  return `<?xml version="1.0"?>
<!-- Written by 'fieldmesh products apply' from the data contracts; changes here are overwritten. -->
<yandex>
    <profiles>
        <${names.analystUser}>
            <profile>default</profile>
            <readonly>1</readonly>
            <prefer_localhost_replica>0</prefer_localhost_replica>
        </${names.analystUser}>
        <${names.sinkUser}>
            <profile>default</profile>
            <allow_ddl>0</allow_ddl>
        </${names.sinkUser}>
        <${names.gatewayUser}>
            <profile>default</profile>
            <readonly>1</readonly>
        </${names.gatewayUser}>
    </profiles>
    <users>
${userXml(names.analystUser, names.analystUser, input.analyst, [names.analystDatabase])}
${userXml(names.sinkUser, names.sinkUser, input.sink, [names.productDatabase])}
${userXml(names.gatewayUser, names.gatewayUser, { password: input.gatewayPassword, networks: LOOPBACK }, [names.productDatabase, ...(input.rowPolicyDatabase ? [input.rowPolicyDatabase] : [])])}
${(input.domainAnalysts ?? []).map((d) => userXml(d.user, names.analystUser, d.credentials, [d.database])).join('\n')}
    </users>
</yandex>
`;
}

/**
 * The config.d file declaring the gateway cluster: one replica, this server's own TCP port, logging in
 * as the gateway user. The password is in clear here (the server must send it): keep the file 0600.
 * The server reloads `remote_servers` with its main config.
 */
export function gatewayClusterXml(names: Pick<WarehouseAccessNames, 'gatewayCluster' | 'gatewayUser'>, server: { host: string; tcpPort: number }, gatewayPassword: string): string {
  return `<?xml version="1.0"?>
<!-- Written by 'fieldmesh products apply': the cluster analyst tables read the product tables through. -->
<yandex>
    <remote_servers>
        <${names.gatewayCluster}>
            <shard>
                <replica>
                    <host>${xml(server.host)}</host>
                    <port>${server.tcpPort}</port>
                    <user>${names.gatewayUser}</user>
                    <password>${xml(gatewayPassword)}</password>
                </replica>
            </shard>
        </${names.gatewayCluster}>
    </remote_servers>
</yandex>
`;
}
