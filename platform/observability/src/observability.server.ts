import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsPortInUse } from './errors';

export interface HealthReport {
  status: 'ok' | 'degraded';
  [detail: string]: unknown;
}

/** What `/metrics` answers with: a prom-client `Registry`, or anything that renders the text exposition format. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface ObservabilityServer {
  /** `http://<host>:<port>`, the port the server got (a free one when asked for 0). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text format) and `/health` (JSON; 503 when degraded) on one port. A scrape that
 * fails answers 500 with the reason, and the process keeps serving.
 */
export async function startObservabilityServer(host: string, port: number, metrics: MetricsSource, health: () => HealthReport): Promise<ObservabilityServer> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        if (request.url === '/metrics') {
          const text = await metrics.metrics();
          response.writeHead(200, { 'content-type': metrics.contentType });
          response.end(text);
        } else if (request.url === '/health') {
          const report = health();
          response.writeHead(report.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
          response.end(JSON.stringify(report));
        } else {
          response.writeHead(404).end();
        }
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`${request.url} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) =>
    server
      .once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new MetricsPortInUse(host, port, { cause: error }) : error))
      .listen(port, host, resolve),
  );
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
