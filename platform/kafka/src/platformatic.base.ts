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
