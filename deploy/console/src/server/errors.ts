import { HttpException } from '@nestjs/common';

/**
 * An answer the console gives on purpose: HTTP status, body `{ statusCode, error_code?, message }` (the
 * Confluent-style code where the registry or the auth library defines one). Every error below says what
 * happened, why, and what to do.
 */
export class ConsoleError extends HttpException {
  constructor(
    statusCode: number,
    message: string,
    readonly confluentCode?: number,
    options?: { cause: unknown },
  ) {
    super({ statusCode, message, ...(confluentCode === undefined ? {} : { error_code: confluentCode }) }, statusCode, options);
  }
}

/** A query parameter or body field is wrong; `field` names it. HTTP 400. */
export class RequestInvalid extends ConsoleError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(400, `Request field '${field}' ${problem}.`);
  }
}

/** No such contract, proposal, alert or dataset. HTTP 404. */
export class ResourceNotFound extends ConsoleError {
  constructor(
    readonly kind: string,
    readonly id: string,
    hint: string,
  ) {
    super(404, `No ${kind} '${id}'. ${hint}`, 40400);
  }
}

/** A service the console reads (registry, ClickHouse, Kafka) failed or is not configured. HTTP 502/503. */
export class UpstreamFailed extends ConsoleError {
  constructor(
    readonly service: string,
    reason: string,
    options?: { cause: unknown },
    status = 502,
  ) {
    super(status, `${service} failed: ${reason}`, undefined, options);
  }
}

/** The console could not start: a dependency was unreachable or an option was wrong. */
export class ConsoleStartFailed extends Error {
  override readonly name = 'ConsoleStartFailed';
  constructor(
    readonly step: string,
    options: { cause: unknown },
  ) {
    super(`The console could not start: ${step} failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}

/** The web UI could not be built with Vite. */
export class WebBuildFailed extends Error {
  override readonly name = 'WebBuildFailed';
  constructor(
    readonly webRoot: string,
    options: { cause: unknown },
  ) {
    super(
      `Building the console UI in ${webRoot} with Vite failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}. ` +
        'Fix the UI build (`npx vite build deploy/console/web`) or start the console with `web: false` to serve the API only.',
      options,
    );
  }
}
