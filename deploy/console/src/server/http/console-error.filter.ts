import { AccessDenied, Unauthenticated } from '@fieldmesh/auth';
import { AlertNotFound, AlertTransitionInvalid } from '@fieldmesh/domain-asset-health/alert-workflow';
import { LineageDatasetUnknown } from '@fieldmesh/lineage';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ApiError } from '../../api/types';

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
  headersSent?: boolean;
}

/** The API's error body for any failure; the Confluent codes 40101/40301 match the registry's. */
export function apiErrorOf(error: unknown): ApiError {
  if (error instanceof Unauthenticated) return { statusCode: 401, error_code: 40101, message: error.message };
  if (error instanceof AccessDenied) return { statusCode: 403, error_code: 40301, message: error.message };
  if (error instanceof AlertNotFound || error instanceof LineageDatasetUnknown) return { statusCode: 404, error_code: 40400, message: error.message };
  if (error instanceof AlertTransitionInvalid) return { statusCode: 409, error_code: 40900, message: error.message };
  if (error instanceof HttpException) {
    const body = error.getResponse();
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const { message, error_code } = body as { message: unknown; error_code?: unknown };
      return { statusCode: error.getStatus(), message: Array.isArray(message) ? message.join('; ') : String(message), ...(typeof error_code === 'number' ? { error_code } : {}) };
    }
    return { statusCode: error.getStatus(), message: error.message };
  }
  // body-parser reports an unparsable body as an error carrying a 4xx status.
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { statusCode: status, message: `The request body is not valid JSON: ${(error as Error).message}` };
  return { statusCode: 500, message: `The console failed: ${error instanceof Error ? error.message : String(error)}. See the console log.` };
}

@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = apiErrorOf(exception);
    if (body.statusCode >= 500) this.logger.error(body.message, exception instanceof Error ? exception.stack : undefined);
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }
}
