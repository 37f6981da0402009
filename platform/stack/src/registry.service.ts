import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createToken, type Role, TokenStore } from '@fieldmesh/auth';
import { REGISTRY_TOKEN_ENV } from '@fieldmesh/config';
import { kafkaClientEnv } from './kafka.service';
import { port, secret, type ServiceDefinition, type ServiceSettings, type StackAddresses } from './service';

/** Spawned by path, as a process: platform code may not import contracts/. */
export const REGISTRY_MAIN = join('contracts', 'registry', 'src', 'main.ts');

/**
 * The stack registry's tokens, by their secret's name in state.json: a service principal (registers
 * schemas; what runtimes and tools use) and a governance lead (compatibility levels, baselines, reviews;
 * what provisioning needs). Each is also written, alone, to a 0600 file for people and scripts.
 */
const REGISTRY_TOKENS: Record<'serviceToken' | 'leadToken', { file: string; holder: { name: string; role: Role; domains: string[] } }> = {
  serviceToken: { file: 'service.token', holder: { name: 'stack-service', role: 'service', domains: ['*'] } },
  leadToken: { file: 'lead.token', holder: { name: 'stack-lead', role: 'governance-lead', domains: ['*'] } },
};

type TokenName = keyof typeof REGISTRY_TOKENS;

function url(settings: ServiceSettings): string {
  return `http://127.0.0.1:${port(settings, 'http')}`;
}

/** The plaintext token, one line in a 0600 file, for `export FIELDMESH_REGISTRY_TOKEN=$(cat <file>)`. */
function tokenFile(stackDir: string, name: TokenName): string {
  return join(stackDir, 'registry', REGISTRY_TOKENS[name].file);
}

/**
 * The environment that makes a registry client (@fieldmesh/serde, provisioning, the `fieldmesh` CLI) write
 * to the stack's registry: its service token, or the governance lead's for provisioning (compatibility levels).
 */
export function registryClientEnv(addresses: StackAddresses, holder: 'service' | 'lead' = 'service'): Record<string, string> {
  if (!addresses.registryUrl) throw new Error('the stack has no registry: start it with registry');
  const token = holder === 'lead' ? addresses.registryLeadToken : addresses.registryToken;
  if (!token) throw new Error("the stack's registry has no tokens: it was started before the registry ran governed. Restart the stack ('npm run stack -- down', then 'up').");
  return { [REGISTRY_TOKEN_ENV]: token };
}

/**
 * Our Confluent-compatible schema registry (contracts/registry), keeping its state in Kafka, governed:
 * writes need a token from its tokens file (0600, hashes only) and contract-governed subjects take only
 * approved schemas. Its two tokens are generated once with the stack and kept in state.json, so they stay
 * valid across restarts; the stack's folder is emptied by the next start, and the tokens with it.
 */
export const registryService: ServiceDefinition = {
  name: 'registry',
  portNames: ['http'],
  createSecrets: () => ({ serviceToken: createToken(), leadToken: createToken() }),
  dependsOn: ['kafka'],
  readyTimeoutMs: 90_000,

  async install(context) {
    if (!existsSync(join(context.repoRoot, REGISTRY_MAIN))) throw new Error(`${REGISTRY_MAIN} does not exist in ${context.repoRoot}`);
  },

  async prepare(context) {
    const brokers = context.addresses.kafkaBrokers;
    if (!brokers) throw new Error('the registry needs Kafka: start the stack with kafka before registry');
    const tokensFile = join(context.dir, 'tokens.json');
    const store = await TokenStore.open(tokensFile);
    for (const name of Object.keys(REGISTRY_TOKENS) as TokenName[]) {
      const token = secret(context.settings, name);
      await store.admit(token, REGISTRY_TOKENS[name].holder);
      writeFileSync(tokenFile(context.stackDir, name), `${token}\n`, { mode: 0o600 });
    }
    return {
      command: join(context.repoRoot, 'node_modules', '.bin', 'tsx'),
      args: [REGISTRY_MAIN],
      cwd: context.repoRoot,
      env: {
        // tsx starts `node` from PATH: put the pinned Node 24 first, as npm scripts do, whoever starts the stack.
        PATH: [join(context.repoRoot, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(delimiter),
        FIELDMESH_REGISTRY_PORT: String(port(context.settings, 'http')),
        FIELDMESH_REGISTRY_HOST: '127.0.0.1',
        FIELDMESH_REGISTRY_TOKENS_FILE: tokensFile,
        FIELDMESH_KAFKA_BROKERS: brokers,
        ...kafkaClientEnv(context.addresses),
      },
    };
  },

  async probe(context) {
    const response = await fetch(`${url(context.settings)}/subjects`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`GET /subjects answered ${response.status}`);
  },

  addresses(settings, stackDir) {
    const { serviceToken, leadToken } = settings.secrets;
    // A stack created before the registry ran governed has no tokens: registryClientEnv says to restart it.
    if (serviceToken === undefined || leadToken === undefined) return { registryUrl: url(settings) };
    return {
      registryUrl: url(settings),
      registryToken: serviceToken,
      registryTokenFile: tokenFile(stackDir, 'serviceToken'),
      registryLeadToken: leadToken,
      registryLeadTokenFile: tokenFile(stackDir, 'leadToken'),
    };
  },
};
