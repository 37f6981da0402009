import type { KafkaAdapter } from './adapter';
import { consumerOptionsSchema, kafkaClientConfigSchema, parseOptions, producerOptionsSchema } from './config';
import { kafkajsAdapter } from './kafkajs.adapter';
import { LingeringProducer } from './linger.producer';
import { platformaticAdapter } from './platformatic.adapter';
import type { KafkaClientConfig, KafkaPort } from './ports';

/**
 * The port bound to one cluster. Every option is validated here, so a mistake fails at start-up with
 * KafkaConfigInvalid naming the field, not later inside a client library.
 */
export function createKafka(config: KafkaClientConfig): KafkaPort {
  const settings = parseOptions('Kafka client config', kafkaClientConfigSchema, config);
  const adapter: KafkaAdapter = settings.client === 'kafkajs' ? kafkajsAdapter(settings) : platformaticAdapter(settings);
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
      return adapter.admin();
    },
  };
}
