import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerDroppingProxy {
  /** `http://127.0.0.1:<port>`: give it to the sink as `clickhouse.url`. */
  url: string;
  /**
   * The next `count` requests whose SQL (the `query` parameter or the body) matches `pattern` reach the
   * server, which runs them to the end, and then the proxy closes the client's connection instead of
   * passing the server's answer on: an insert that timed out for the client but did land.
   */
  dropAnswers(pattern: RegExp, count?: number): void;
  /** Answers dropped so far, with the HTTP status the server had sent (200: the statement was committed). */
  dropped: Array<{ statement: string; status: number }>;
  close(): Promise<void>;
}

const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** An HTTP proxy on 127.0.0.1 in front of a ClickHouse server that can lose answers after the work is done. */
export async function startAnswerDroppingProxy(target: string): Promise<AnswerDroppingProxy> {
  const upstream = new URL(target);
  const dropped: AnswerDroppingProxy['dropped'] = [];
  let armed: { pattern: RegExp; left: number } | undefined;

  const forward = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const body = await readAll(incoming);
    const statement = `${new URL(incoming.url ?? '/', 'http://proxy').searchParams.get('query') ?? ''}\n${body.toString('latin1')}`;
    const drop = armed !== undefined && armed.left > 0 && armed.pattern.test(statement);
    if (drop) armed!.left -= 1;
    const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const call = request(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
        (response) => {
          // The whole answer is read before deciding: once it is here, the server has finished the statement.
          readAll(response).then((bytes) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: bytes }), reject);
        },
      );
      call.on('error', reject);
      call.end(body);
    });
    if (drop) {
      dropped.push({ statement: statement.slice(0, 200), status: answer.status });
      incoming.socket.destroy();
      return;
    }
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
  };

  const server = createServer((incoming, outgoing) => {
    forward(incoming, outgoing).catch(() => incoming.socket.destroy());
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropAnswers(pattern, count = 1) {
      armed = { pattern, left: count };
    },
    dropped,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
