import type { Message } from '@platformatic/kafka';

/** Connection options shared by the producer, consumer and admin clients of one cluster. */
export interface BaseOptions {
  clientId: string;
  bootstrapBrokers: string[];
  retries: number;
  retryDelay: number;
}

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
