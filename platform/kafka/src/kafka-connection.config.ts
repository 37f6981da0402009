import { z } from 'zod';
import { kafkaClientConfigSchema } from './config';

/**
 * How a service reaches Kafka, as its config file says it under `kafka:`: the one schema every service
 * embeds (domains, sink, gateway), so brokers are checked alike everywhere. The client id defaults to
 * the service's name; createKafka takes the parsed value as it is.
 */
export function kafkaConnectionSchema(defaultClientId: string) {
  return z.strictObject({
    brokers: kafkaClientConfigSchema.shape.brokers,
    client: z.enum(['kafkajs', 'platformatic']).optional().describe('Kafka client adapter; the platform default (platformatic) when absent'),
    clientId: z.string().min(1).default(defaultClientId).describe('Client id shown in broker logs and quotas'),
    security: kafkaClientConfigSchema.shape.security,
  });
}

export type KafkaConnection = z.output<ReturnType<typeof kafkaConnectionSchema>>;
