import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkProxy } from './link.proxy';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function echoServer(): Promise<number> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined); // the proxy resets it when cut
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

async function startProxy(port: number): Promise<LinkProxy> {
  const proxy = await LinkProxy.start({ host: '127.0.0.1', port });
  cleanup.push(() => proxy.close());
  return proxy;
}

function dial(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  cleanup.push(async () => void socket.destroy());
  return socket;
}

const echoOf = (socket: Socket, text: string) =>
  new Promise<string>((resolve, reject) => {
    socket.once('data', (data) => resolve(data.toString()));
    socket.once('close', () => reject(new Error('closed before the echo')));
    socket.write(text);
  });

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

describe('LinkProxy', () => {
  it('relays both ways, drops open connections when cut, refuses new ones until restored', async () => {
    const proxy = await startProxy(await echoServer());
    const before = dial(proxy.port);
    expect(await echoOf(before, 'ping')).toBe('ping');

    await proxy.cut();
    await closed(before);
    const during = dial(proxy.port);
    await closed(during);
    expect(during.bytesRead).toBe(0);

    await proxy.restore();
    expect(await echoOf(dial(proxy.port), 'pong')).toBe('pong');
  });

  it('resets the connector side when the peer itself is down', async () => {
    const proxy = await startProxy(
      await echoServer().then(async (port) => {
        await cleanup.pop()!(); // stop the echo server: nothing listens on its port any more
        return port;
      }),
    );
    const socket = dial(proxy.port);
    await closed(socket);
    expect(socket.bytesRead).toBe(0);
  });
});
