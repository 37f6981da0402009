/** The registry's contracts API refused a request (its `{error_code, message}` body) or could not be reached. */
export class ContractsApiFailed extends Error {
  override readonly name = 'ContractsApiFailed';
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly errorCode: number | undefined,
    readonly registryMessage: string,
    options?: { cause: unknown },
  ) {
    super(
      status === undefined
        ? `Cannot reach the registry: ${method} ${url} failed (${registryMessage}). Check --registry / FIELDMESH_REGISTRY_URL and that the registry runs.`
        : `${registryMessage} (HTTP ${status}${errorCode === undefined ? '' : `, error_code ${errorCode}`}, ${method} ${url})`,
      options,
    );
  }
}

/** A contract file cannot be used: its schema ref resolves from none of its parent directories. */
export class ContractSchemaNotFound extends Error {
  override readonly name = 'ContractSchemaNotFound';
  constructor(
    readonly file: string,
    readonly ref: string,
  ) {
    super(
      `${file}: schema.ref '${ref}' is not found from the contract's directory or any parent. Put the schema at <root>/${ref} next to <root>/contracts/, or pass --root <root>.`,
    );
  }
}
