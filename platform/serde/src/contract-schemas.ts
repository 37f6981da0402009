interface TopicSchemas {
  /** The contract's schemas as JSON text, the form the registry looks them up by. */
  readonly schemaTexts: readonly string[];
  /** Schema text → its id under the topic's subject, once the registry has it (ids never change). */
  readonly ids: Map<string, number>;
  /** The same ids as a set: the per-record check allocates nothing. */
  readonly allowed: Set<number>;
  /** Ids refused lately: refused again without a request until `retryAt` (at most the subject's versions, which passed the subject check). */
  readonly refused: Set<number>;
  /** Clock time after which refused ids are forgotten, so that they make schemas not found yet be looked up again. */
  retryAt: number;
  pending?: Promise<void> | undefined;
}

/**
 * The schema ids a consumer's contracts allow on each topic: the ids under which the topic's subject
 * holds the schemas the contracts pin. While a pinned schema is not registered, an id not allowed makes
 * the registry be asked again, so the version a producer registers from the contract is trusted at once
 * without a restart; an id refused after such a round is refused without a request for `refreshMs`.
 */
export class ContractSchemaIds {
  private readonly topics = new Map<string, TopicSchemas>();

  constructor(
    schemasByTopic: Readonly<Record<string, readonly unknown[]>>,
    /** The id of the schema text under the subject, or null when the subject does not hold it. */
    private readonly lookup: (subject: string, schemaText: string) => Promise<number | null>,
    private readonly refreshMs: number,
    private readonly clock: () => number,
  ) {
    for (const [topic, schemas] of Object.entries(schemasByTopic)) {
      const schemaTexts = schemas.map((schema) => (typeof schema === 'string' ? schema : JSON.stringify(schema)));
      this.topics.set(topic, { schemaTexts, ids: new Map(), allowed: new Set(), refused: new Set(), retryAt: Number.NEGATIVE_INFINITY });
    }
  }

  /** Whether a contract restricts the topic at all. */
  restricts(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** True without a request when the id is already known to be allowed. */
  allowsCached(topic: string, schemaId: number): boolean {
    const schemas = this.topics.get(topic);
    return schemas === undefined || schemas.allowed.has(schemaId);
  }

  /**
   * Whether the contract allows the id on the topic, looking up pinned schemas not found yet when they
   * are due. Resolves with the ids allowed so far for the caller's error message.
   */
  async allows(topic: string, subject: string, schemaId: number): Promise<{ allowed: boolean; allowedIds: number[] }> {
    const schemas = this.topics.get(topic);
    if (!schemas) return { allowed: true, allowedIds: [] };
    if (schemas.retryAt <= this.clock()) schemas.refused.clear();
    const unresolved = schemas.ids.size < schemas.schemaTexts.length;
    if (!this.allowsCached(topic, schemaId) && unresolved && !schemas.refused.has(schemaId)) {
      // Concurrent records of the topic share one round of lookups.
      schemas.pending ??= this.resolve(schemas, subject).finally(() => (schemas.pending = undefined));
      await schemas.pending;
    }
    const allowedIds = [...schemas.allowed];
    const allowed = schemas.allowed.has(schemaId);
    if (!allowed) schemas.refused.add(schemaId);
    return { allowed, allowedIds };
  }

  private async resolve(schemas: TopicSchemas, subject: string): Promise<void> {
    for (const text of schemas.schemaTexts) {
      if (schemas.ids.has(text)) continue;
      const id = await this.lookup(subject, text);
      if (id === null) continue;
      schemas.ids.set(text, id);
      schemas.allowed.add(id);
    }
    // Set only after every lookup answered: a registry that failed is asked again by the retried batch.
    schemas.retryAt = this.clock() + this.refreshMs;
  }
}
