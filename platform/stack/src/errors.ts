/** A service of the stack could not be installed or did not become ready. */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';

  constructor(
    readonly service: string,
    readonly reason: string,
    readonly logFile: string | undefined,
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${service} did not start: ${reason}.` +
        (logFile ? ` Its log is ${logFile}; last lines:\n${logTail || '(empty)'}` : '') +
        `\nFix the cause above, then run again; 'npm run stack -- status' shows what is still running.`,
      options,
    );
  }
}

/** A system package or the Kafka jars could not be installed. */
export class ServiceInstallError extends Error {
  override readonly name = 'ServiceInstallError';

  constructor(
    readonly service: string,
    readonly command: string,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Installing ${service} failed: '${command}' did not succeed. Output (last lines):\n${output || '(none)'}\n` +
        `Check network access to the package registry and run the command by hand to see the full error.`,
      options,
    );
  }
}

/** `<dir>/state.json` is missing or does not describe a stack. */
export class StackStateError extends Error {
  override readonly name = 'StackStateError';

  constructor(
    readonly stateFile: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`No usable stack state at ${stateFile}: ${reason}. Start the stack with 'npm run stack -- up'.`, options);
  }
}

/** A service name that the stack does not know, or that was not started. */
export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';

  constructor(
    readonly service: string,
    readonly known: readonly string[],
  ) {
    super(`Unknown service '${service}': this stack has ${known.join(', ')}. Use one of those names.`);
  }
}
