import type { KafkaAdapter } from './adapter';
import { consumerOptionsSchema, kafkaClientConfigSchema, type KafkaClientSettings, parseOptions, producerOptionsSchema } from './config';
import { kafkajsAdapter } from './kafkajs.adapter';
import { LingeringProducer } from './linger.producer';
import { platformaticAdapter } from './platformatic.adapter';
import { kafkaSecurityFromEnv, kafkaSecuritySchema, resolveKafkaSecurity, type ResolvedKafkaSecurity } from './kafka.security';
import type { KafkaClientConfig, KafkaPort } from './ports';
import { ReplicationCappingAdmin } from './topic.replication';

/** The client's TLS and SASL: its config's, else the FIELDMESH_KAFKA_* environment's, with the secrets read. */
export function clientSecurity(settings: KafkaClientSettings): ResolvedKafkaSecurity {
  const fromEnv = settings.security ? undefined : kafkaSecurityFromEnv();
  const configured = settings.security ?? (fromEnv === undefined ? undefined : parseOptions('Kafka security from FIELDMESH_KAFKA_* environment', kafkaSecuritySchema, fromEnv));
  return resolveKafkaSecurity(configured, settings.clientId);
}

/**
 * The port bound to one cluster. Every option is validated here, so a mistake fails at start-up with
 * KafkaConfigInvalid naming the field, not later inside a client library.
 */
export function createKafka(config: KafkaClientConfig): KafkaPort {
  const settings = parseOptions('Kafka client config', kafkaClientConfigSchema, config);
  const security = clientSecurity(settings);
  const adapter: KafkaAdapter = settings.client === 'kafkajs' ? kafkajsAdapter(settings, security) : platformaticAdapter(settings, security);
  return {
    producer(options = {}) {
      const producerSettings = parseOptions('Kafka producer options', producerOptionsSchema, options);
      const producer = adapter.producer(producerSettings);
      return producerSettings.lingerMs > 0 ? new LingeringProducer(producer, producerSettings.lingerMs) : producer;
    },
    consumer(options) {
      return adapter.consumer(parseOptions('Kafka consumer options', consumerOptionsSchema, options));
    },
    admin() {
      return new ReplicationCappingAdmin(adapter.admin());
    },
  };
}
