/** The schema registry refused or failed a request that provisioning or the drift check needs. */
export class RegistryRequestFailed extends Error {
  override readonly name = 'RegistryRequestFailed';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly errorCode: number | undefined,
    detail: string,
    options?: { cause: unknown },
  ) {
    super(
      `${method} ${url} failed${status === undefined ? '' : ` with HTTP ${status}${errorCode === undefined ? '' : ` (error_code ${errorCode})`}`}: ${detail}. ` +
        'Check that the schema registry is running at that URL and is Confluent-compatible.',
      options,
    );
  }
}

/** The contract's schema cannot be registered: it breaks the subject's compatibility with earlier versions. */
export class SchemaIncompatible extends Error {
  override readonly name = 'SchemaIncompatible';
  constructor(
    readonly subject: string,
    readonly level: string,
    readonly contractFile: string,
    readonly registryMessage: string,
  ) {
    super(
      `The schema of ${contractFile} is not ${level}-compatible with what ${subject} already holds: ${registryMessage} ` +
        'Make the change compatible (e.g. give new fields a default) or publish it as a new major version with a new topic.',
    );
  }
}

/** Topics were created but the broker still does not list them. */
export class TopicNotListed extends Error {
  override readonly name = 'TopicNotListed';
  constructor(
    readonly topics: string[],
    readonly timeoutMs: number,
  ) {
    super(`Created ${topics.join(', ')} but the broker did not list them within ${timeoutMs} ms. Check the broker log for errors; running the provisioning again is safe.`);
  }
}
