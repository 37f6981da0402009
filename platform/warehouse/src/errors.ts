/** An Avro type in a contract's schema that has no ClickHouse column mapping. */
export class UnsupportedAvroType extends Error {
  override readonly name = 'UnsupportedAvroType';
  constructor(
    readonly topic: string,
    readonly field: string,
    readonly avroType: string,
  ) {
    super(
      `Field '${field}' of ${topic} has Avro type ${avroType}, which has no ClickHouse column mapping. ` +
        'Use a primitive, an enum, a timestamp, a nullable union ["null", T], an array, a map or an array of flat records, or extend platform/warehouse/src/column.mapping.ts.',
    );
  }
}

/** The contract names no time column: ORDER BY, PARTITION BY and TTL all need one. */
export class NoTimeColumn extends Error {
  override readonly name = 'NoTimeColumn';
  constructor(readonly topic: string) {
    super(`${topic} has no time column for the warehouse: set processing.eventTime in its contract, or give its Avro schema a field with logicalType timestamp-millis.`);
  }
}

/** A statement against the warehouse failed; the SQL is kept so the operator can run it by hand. */
export class WarehouseStatementFailed extends Error {
  override readonly name = 'WarehouseStatementFailed';
  constructor(
    readonly operation: string,
    readonly sql: string,
    options: { cause: unknown },
  ) {
    super(`${operation} failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}. Statement: ${sql}`, options);
  }
}

/** A decoded record's value does not fit its column; the record goes to the DLQ, the batch goes on. */
export class RowEncodeFailed extends Error {
  override readonly name = 'RowEncodeFailed';
  constructor(
    readonly column: string,
    readonly columnType: string,
    readonly value: unknown,
  ) {
    super(
      `Value ${describe(value)} does not fit column '${column}' (${columnType}). The record does not match the table: ` +
        "check that the producer used the contract's schema, and run the governance drift check on the table.",
    );
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const text = typeof value === 'bigint' ? `${value}n` : typeof value === 'object' ? Object.prototype.toString.call(value) : JSON.stringify(value);
  return `${text.slice(0, 80)} (${typeof value})`;
}

/** The settings for installing warehouse access are wrong; each problem names its field. */
export class WarehouseAccessConfigInvalid extends Error {
  override readonly name = 'WarehouseAccessConfigInvalid';
  constructor(readonly problems: ReadonlyArray<{ path: string; message: string }>) {
    super(`Invalid warehouse access settings:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
  }
}

/** The server did not take up the users.d and config.d files written for it within the time allowed. */
export class WarehouseAccessNotLoaded extends Error {
  override readonly name = 'WarehouseAccessNotLoaded';
  constructor(
    readonly configDir: string,
    readonly waitedMs: number,
    readonly lastProblem: string,
  ) {
    super(
      `ClickHouse did not load the access files written to ${configDir}/users.d and ${configDir}/config.d within ${waitedMs} ms (last check: ${lastProblem}). ` +
        "Check that this is the folder of the server's config.xml and users.xml, that the server can read the files, and its log for a config parse error.",
    );
  }
}
