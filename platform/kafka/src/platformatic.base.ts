import type { Message } from '@platformatic/kafka';

/** Connection options shared by the producer, consumer and admin clients of one cluster. */
export interface BaseOptions {
  clientId: string;
  bootstrapBrokers: string[];
  retries: number;
  retryDelay: number;
  /** TLS options of node:tls (the CA to verify the brokers by); absent for PLAINTEXT. */
  tls?: { ca?: string };
  sasl?: { mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256'; username: string; password: string };
}

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * Keeps a connection's late 'error' events from crashing the process. @platformatic/kafka listens for a
 * connection's first error only (its pool's `once('error')`), and a SASL answer that arrives after that
 * (a broker restarting while the handshake runs, the socket closed under it) emits a second one with no
 * listener: an uncaught "Connection to … failed. <- SASL authentication failed" killed a process during a
 * broker kill (deploy/e2e/test/pipeline-broker-kills.test.ts). The errors still reach the callers as before.
 */
export function ignoreLateConnectionErrors(client: {
  connections: { on(event: 'connecting', listener: (payload: { connection: { on(event: 'error', listener: () => void): unknown } }) => void): unknown };
}): void {
  client.connections.on('connecting', ({ connection }) => connection.on('error', () => undefined));
}
