import type { ConsumerSettings, ProducerSettings } from './config';
import type { KafkaAdminPort, KafkaConsumerPort, KafkaProducerPort } from './ports';

/** What a client library provides to the port, given options already validated by createKafka. */
export interface KafkaAdapter {
  producer(settings: ProducerSettings): KafkaProducerPort;
  consumer(settings: ConsumerSettings): KafkaConsumerPort;
  admin(): KafkaAdminPort;
}
