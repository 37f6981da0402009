import { LineageEmitFailed } from './errors';
import type { RunEvent } from './openlineage.schema';

export interface HttpTransportOptions {
  /** Base URL of an OpenLineage endpoint such as Marquez, e.g. http://127.0.0.1:5000. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string | undefined;
  timeoutMs: number;
}

/** Posts run events to `<url>/api/v1/lineage`, the OpenLineage HTTP API. */
export class HttpTransport {
  readonly endpoint: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/lineage`;
  }

  async send(event: RunEvent): Promise<void> {
    const failed = (cause: unknown) => new LineageEmitFailed('http', this.endpoint, `${event.job.namespace}/${event.job.name}`, event.eventType ?? 'OTHER', { cause });
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw failed(cause);
    }
    const body = await response.text();
    if (!response.ok) throw failed(new Error(`HTTP ${response.status}${body ? `: ${body.slice(0, 500)}` : ''}`));
  }
}
