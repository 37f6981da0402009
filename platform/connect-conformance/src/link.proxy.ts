import { createServer, connect, type Server, type Socket } from 'node:net';

export interface LinkTarget {
  host: string;
  port: number;
}

/**
 * A TCP relay between a connector and its peer that a test can cut and restore, so that a lost link is
 * a lost link for this one connector and not an outage of a service other tests share. Cut resets both
 * sides of every relayed connection (the peer sees its client vanish, as after a crash or a network
 * fault) and resets new ones as they arrive, as a host whose service is down does.
 */
export class LinkProxy {
  private readonly open = new Set<Socket>();
  private isCut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and relays every connection to `target`. */
  static async start(target: LinkTarget): Promise<LinkProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('the link proxy has no TCP address');
    const proxy = new LinkProxy(server, address.port);
    server.on('connection', (client) => proxy.relay(client, target));
    return proxy;
  }

  /** `host:port` the connector dials instead of the peer. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private relay(client: Socket, target: LinkTarget): void {
    if (this.isCut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.open.add(from);
      from.pipe(to);
      from.on('error', () => to.resetAndDestroy());
      from.on('close', () => {
        this.open.delete(from);
        // A clean close hands on what is still in flight (a last PUBACK before DISCONNECT), then closes.
        to.end();
      });
    }
  }

  /** Resets every relayed connection and refuses new ones until `restore()`. */
  async cut(): Promise<void> {
    this.isCut = true;
    const closing = [...this.open].map((socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve()))));
    for (const socket of this.open) socket.resetAndDestroy();
    await Promise.all(closing);
  }

  async restore(): Promise<void> {
    this.isCut = false;
  }

  async close(): Promise<void> {
    await this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
