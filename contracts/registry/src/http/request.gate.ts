import { Logger } from '@nestjs/common';
import type { RegistryError } from '../errors';
import type { HttpRequest, HttpResponse } from './http.types';
import { sendRegistryError } from './registry-error.filter';

/** A check of a request's headers: the error to answer with, or `undefined` to let the request through. */
export type RequestCheck = (request: HttpRequest) => RegistryError | undefined;

/**
 * Express middleware answering the requests `check` refuses in Confluent's error shape, before the body is
 * parsed or a route runs. Each refusal is logged with the caller's address and the reason: a refused request
 * is an operator's business (a misconfigured client, or an attack), which a 4xx to the caller alone hides.
 */
export function requestGate(check: RequestCheck) {
  const logger = new Logger('Registry');
  return (request: HttpRequest, response: HttpResponse, next: () => void): void => {
    const refusal = check(request);
    if (!refusal) return next();
    logger.warn(`Refused ${request.method} ${request.path} from ${request.socket.remoteAddress ?? 'an unknown address'}: ${refusal.message}`);
    sendRegistryError(refusal, response);
  };
}
