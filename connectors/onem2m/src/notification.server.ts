import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContentInstance } from './content.mapping';

const NOTIFY_PATH = '/notify/';
/** A notification larger than this is refused (413) rather than buffered. */
const MAX_NOTIFICATION_BYTES = 4 * 1024 * 1024;

export interface NotificationHandlers {
  /** A contentInstance created in `container` (the path the subscription's notificationURI names). */
  contentInstance(container: string, cin: ContentInstance): void;
  /** The CSE's verification request when a subscription is created (TS-0004 7.3.8.2.2). */
  verification(container: string): void;
  /** A notification the connector cannot use: for a container it does not map, or without a contentInstance. */
  unusable(container: string, why: 'unknownContainer' | 'noContentInstance'): void;
}

/**
 * The HTTP server the CSE sends notifications to (oneM2M HTTP binding, TS-0009): one notificationURI per
 * container, `<base>/notify/<container path, URI-encoded>`, so a notification names its container
 * whatever form the CSE gives the subscription reference (`sur`).
 */
export class NotificationServer {
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async listen(host: string, port: number, isMapped: (container: string) => boolean, handlers: NotificationHandlers): Promise<NotificationServer> {
    const server = createServer((request, response) => {
      void handle(request, response, isMapped, handlers);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new NotificationServer(server, `http://${hostPart}:${address.port}`);
  }

  notificationUri(container: string): string {
    return `${this.baseUrl}${NOTIFY_PATH}${encodeURIComponent(container)}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function answer(request: IncomingMessage, response: ServerResponse, httpStatus: number, rsc: number): void {
  const requestId = request.headers['x-m2m-ri'];
  response.writeHead(httpStatus, { 'X-M2M-RSC': String(rsc), ...(typeof requestId === 'string' ? { 'X-M2M-RI': requestId } : {}), 'Content-Length': '0' });
  response.end();
}

async function handle(request: IncomingMessage, response: ServerResponse, isMapped: (container: string) => boolean, handlers: NotificationHandlers): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://notification').pathname;
  if (request.method !== 'POST' || !path.startsWith(NOTIFY_PATH)) return answer(request, response, 404, 4004);
  const container = decodeURIComponent(path.slice(NOTIFY_PATH.length));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_NOTIFICATION_BYTES) return answer(request, response, 413, 4000);
    chunks.push(chunk);
  }
  let notification: { vrq?: boolean; nev?: { rep?: Record<string, unknown> } } | undefined;
  try {
    notification = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, typeof notification>)['m2m:sgn'];
  } catch {
    notification = undefined;
  }
  if (!notification) return answer(request, response, 400, 4000);
  if (!isMapped(container)) {
    handlers.unusable(container, 'unknownContainer');
    // 4004 tells the CSE this target is gone; a stale subscription of an old config then stops at its own expiry.
    return answer(request, response, 404, 4004);
  }
  if (notification.vrq === true) {
    handlers.verification(container);
    return answer(request, response, 200, 2000);
  }
  const cin = notification.nev?.rep?.['m2m:cin'];
  if (cin === null || typeof cin !== 'object') handlers.unusable(container, 'noContentInstance');
  else handlers.contentInstance(container, cin as ContentInstance);
  answer(request, response, 200, 2000);
}
