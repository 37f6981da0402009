import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Hands a handler's error to the stream runtime unchanged, so the DLQ headers name the real error rather
 * than Nest's "Internal server error"; the runtime decides (DLQ or replay), so nothing is logged here.
 * createStreamsApp installs it; with NestFactory.createMicroservice, add `app.useGlobalFilters(new StreamsExceptionFilter())`.
 */
@Catch()
export class StreamsExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
