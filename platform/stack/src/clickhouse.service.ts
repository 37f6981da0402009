import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { CLICKHOUSE_USER, clickhouseConfigXml, clickhouseUsersXml } from './clickhouse.config';
import { port, secret, type ServiceDefinition, type ServiceSettings } from './service';
import { ensureDebianExecutable } from './system-package.installer';

function url(settings: ServiceSettings): string {
  return `http://127.0.0.1:${port(settings, 'http')}`;
}

const install = () => ensureDebianExecutable('clickhouse', 'clickhouse-server', ['clickhouse-server', 'clickhouse-client']);

/** Debian's ClickHouse server (18.16 on these machines) as our own process, not the system service. */
export const clickhouseService: ServiceDefinition = {
  name: 'clickhouse',
  portNames: ['http', 'tcp'],
  createSecrets: () => ({ password: randomBytes(12).toString('hex') }),
  dependsOn: [],
  readyTimeoutMs: 30_000,

  async install() {
    await install();
  },

  async prepare(context) {
    const binary = await install();
    const dataDir = join(context.dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(context.dir, 'config.xml');
    const password = secret(context.settings, 'password');
    writeFileSync(configFile, clickhouseConfigXml({ httpPort: port(context.settings, 'http'), tcpPort: port(context.settings, 'tcp'), dataDir, logFile: context.logFile }));
    const lockedDefaultSha256 = createHash('sha256').update(randomBytes(32)).digest('hex');
    writeFileSync(join(context.dir, 'users.xml'), clickhouseUsersXml({ password, lockedDefaultSha256 }));
    return { command: binary, args: [`--config-file=${configFile}`], cwd: context.dir };
  },

  async probe(context) {
    const response = await fetch(`${url(context.settings)}/ping`, { signal: AbortSignal.timeout(2_000) });
    const body = await response.text();
    if (body !== 'Ok.\n') throw new Error(`GET /ping answered ${response.status} '${body.trim()}', expected 'Ok.'`);
    // The official client, with the password, over HTTP: what the sink will do.
    const client = createClient({ url: url(context.settings), username: CLICKHOUSE_USER, password: secret(context.settings, 'password'), request_timeout: 5_000 });
    try {
      const result = await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' });
      const rows = await result.json<{ one: number }>();
      if (rows[0]?.one !== 1) throw new Error(`SELECT 1 returned ${JSON.stringify(rows)}`);
    } finally {
      await client.close();
    }
  },

  addresses(settings) {
    return { clickhouseUrl: url(settings), clickhouseUser: CLICKHOUSE_USER, clickhousePassword: secret(settings, 'password') };
  },
};
