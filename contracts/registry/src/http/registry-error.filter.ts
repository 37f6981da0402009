import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from './http.types';
import { RegistryError, RegistryErrors } from '../errors';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Turns any failure into Confluent's error body `{"error_code": N, "message": "..."}`. */
export function toRegistryError(error: unknown, request: HttpRequest): RegistryError {
  if (error instanceof RegistryError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return RegistryErrors.routeNotFound(request.method, request.path);
    return new RegistryError(status, status, error.message);
  }
  // body-parser reports unparsable bodies as errors carrying a 4xx status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return RegistryErrors.malformedRequest((error as Error).message);
  }
  return RegistryErrors.storeError((error as Error)?.message ?? String(error), error);
}

export function sendRegistryError(error: RegistryError, response: HttpResponse): void {
  response.status(error.httpStatus).type(CONTENT_TYPE).send(JSON.stringify(error.toBody()));
}

@Catch()
export class RegistryErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Registry');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const error = toRegistryError(exception, http.getRequest<HttpRequest>());
    if (error.httpStatus >= 500) this.logger.error(error.message, (error.cause as Error | undefined)?.stack);
    sendRegistryError(error, http.getResponse<HttpResponse>());
  }
}
