import type { KafkaSecurity } from '@fieldmesh/kafka';
import { TokenNotFound, TokenStore, type Role } from '@fieldmesh/auth';
import { loadAllContracts, type LoadedContract } from '@fieldmesh/governance';
import { createRegistryApp, DEFAULT_AUDIT_TOPIC } from '@fieldmesh/registry';
import { REPO_ROOT } from '@fieldmesh/stack';
import { BaselineRefused, NoGovernanceLead } from './errors';

/** Someone a token is issued for. */
export interface GovernedPerson {
  name: string;
  role: Role;
  domains: readonly string[];
}

export interface GovernedRegistryOptions<Person extends string> {
  kafkaBrokers: string;
  /** The registry's own Kafka principal (the only one that may write `_schemas` and the audit log); the FIELDMESH_KAFKA_* environment's when absent. */
  kafkaSecurity?: KafkaSecurity;
  /** The tokens file (@fieldmesh/auth, hashed at rest); created if missing, tokens already in it stay valid. */
  tokensFile: string;
  /** The contract audit log; default `_fieldmesh.contract-audit`. Proposals and decisions live there. */
  auditTopic?: string;
  /** Each gets a fresh token; one must be a governance lead, who baselines the repository contracts. */
  people: Record<Person, GovernedPerson>;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * The tokens this start issues expire this long after their last renewal; they are renewed while the
   * registry runs and revoked at close, so those of a run killed before its close die within one lease.
   * Default 10 minutes.
   */
  tokenLeaseMs?: number;
}

export interface GovernedRegistry<Person extends string> {
  url: string;
  /** Plaintext tokens issued by this start, one per person (the tokens file keeps only their hashes). */
  tokens: Record<Person, string>;
  /** Revokes this start's tokens, then stops the registry. */
  close(): Promise<void>;
}

/**
 * The registry of the stack's schemas, shared by the stack's own registry: product topics hold records
 * written through that one, so they must decode here with the same schema ids. Both run the same leaderless
 * log (contracts/registry/src/store), where a claim of an id another instance took is rejected in log order.
 */
const SCHEMAS_TOPIC = '_schemas';

const DEFAULT_TOKEN_LEASE_MS = 10 * 60_000;

/**
 * A governed registry in this process (tokens on writes, contract review under /contracts) over the stack's
 * `_schemas`, with a token per person (revoked at close) and every repository contract baselined as approved by the
 * governance lead. Baselining is idempotent, so a start over an audit log of an earlier run keeps its
 * proposals and decisions.
 */
export async function startGovernedRegistry<Person extends string>(options: GovernedRegistryOptions<Person>): Promise<GovernedRegistry<Person>> {
  const people = Object.entries(options.people) as Array<[Person, GovernedPerson]>;
  const lead = people.find(([, person]) => person.role === 'governance-lead')?.[0];
  if (lead === undefined) throw new NoGovernanceLead(people.map(([, person]) => person.name));
  const registry = await createRegistryApp({
    port: options.port ?? 0,
    host: '127.0.0.1',
    brokers: options.kafkaBrokers.split(','),
    ...(options.kafkaSecurity ? { kafkaSecurity: options.kafkaSecurity } : {}),
    topic: SCHEMAS_TOPIC,
    governance: { tokensFile: options.tokensFile, auditTopic: options.auditTopic ?? DEFAULT_AUDIT_TOPIC },
  });
  const issuedIds: string[] = [];
  let store: TokenStore | undefined;
  const leaseMs = options.tokenLeaseMs ?? DEFAULT_TOKEN_LEASE_MS;
  const leaseEnd = () => new Date(Date.now() + leaseMs);
  const renew = async () => {
    for (const id of [...issuedIds]) {
      await store?.extend(id, leaseEnd()).catch((error: unknown) => {
        // Revoked meanwhile (`fieldmesh tokens revoke`, or by close): nothing left to renew.
        if (!(error instanceof TokenNotFound)) throw error;
        issuedIds.splice(issuedIds.indexOf(id), 1);
      });
    }
  };
  const renewal = setInterval(() => {
    renew().catch((error: unknown) => {
      console.warn(
        `Could not renew this run's registry tokens in ${options.tokensFile} (${String(error)}): they expire within ${leaseMs / 1000} s. Check that the file is writable.`,
      );
    });
  }, leaseMs / 3);
  renewal.unref();
  const revokeIssued = async () => {
    clearInterval(renewal);
    for (const id of issuedIds.splice(0)) {
      await store?.revoke(id).catch((error: unknown) => {
        // Someone revoked it already (`fieldmesh tokens revoke`): gone either way. A failed write is not.
        if (!(error instanceof TokenNotFound)) throw error;
      });
    }
  };
  try {
    // The registry reloads the tokens file when it changes, so tokens issued now count at once.
    store = await TokenStore.open(options.tokensFile);
    const tokens = {} as Record<Person, string>;
    for (const [key, person] of people) {
      const issued = await store.issue({
        name: person.name,
        role: person.role,
        domains: [...person.domains],
        expiresAt: leaseEnd(),
      });
      issuedIds.push(issued.principal.tokenId);
      tokens[key] = issued.token;
    }
    // The repository's contracts are the approved baseline: their schemas may register, nothing else.
    for (const loaded of await loadAllContracts(REPO_ROOT)) await baseline(registry.url, tokens[lead], loaded);
    return {
      url: registry.url,
      tokens,
      async close() {
        await revokeIssued();
        await registry.close();
      },
    };
  } catch (error) {
    // The start failed: that error is the one to report, not a failure to take its tokens back.
    await revokeIssued().catch(() => undefined);
    await registry.close();
    throw error;
  }
}

async function baseline(registryUrl: string, token: string, loaded: LoadedContract): Promise<void> {
  const response = await fetch(`${registryUrl}/contracts/baseline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ contract: loaded.contract, schema: loaded.avroSchema }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.ok) return;
  let reason = text;
  try {
    reason = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // Not Confluent's `{error_code, message}`: the text itself says why.
  }
  throw new BaselineRefused(loaded.contract.id, loaded.contract.version, response.status, reason);
}
