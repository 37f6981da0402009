export { DEFAULT_CLIENT, DEFAULT_DELIVERY_TIMEOUT_MS, consumerOptionsSchema, kafkaClientConfigSchema, producerOptionsSchema } from './config';
export { kafkaConnectionSchema, type KafkaConnection } from './kafka-connection.config';
export { buildDlqHeaders, DLQ_HEADER_PREFIX, DlqHeaders, dlqTopicFor, readDlqHeaders, type DlqErrorInfo, type DlqFailure } from './dlq.headers';
export { createDlqTopic, DlqWriter, type DeadLetter, type DeadLetterCount } from './dlq.writer';
export {
  DeliveryTimeoutExpired,
  KafkaAdminFailed,
  KafkaConfigInvalid,
  KafkaNotConnected,
  KafkaProduceFailed,
  TopicCreationFailed,
  TopicEndNotReached,
  TopicNotFound,
} from './errors';
export { createKafka } from './kafka.factory';
export { bounceLeader, untilAllReplicasInSync, type LeaderBounce, type LeaderBounceOptions } from './leader.bounce';
export { aclKey, KafkaAccessAdmin, type AclBinding, type AclOperation, type AclResourceType } from './kafka.access';
export { kafkaSecuritySchema, type KafkaSecurity } from './kafka.security';
export { DEFAULT_REPLICATION_FACTOR, defaultMinInSyncReplicas, MIN_INSYNC_REPLICAS, replicationOnCluster } from './topic.replication';
export { readTopicToEnd, type ReadTopicToEndOptions } from './topic-end.reader';
export { TopicFollower, type TopicFollowerOptions } from './topic.follower';
export type {
  BatchCommit,
  BatchHandler,
  CommitOffset,
  CompressionName,
  ConsumedBatch,
  ConsumedRecord,
  ConsumerOptions,
  HeaderValue,
  KafkaAdminPort,
  KafkaClientConfig,
  KafkaClientName,
  KafkaConsumerPort,
  KafkaPort,
  KafkaProducerPort,
  OutgoingRecord,
  PartitionReplicas,
  ProducerOptions,
  RecordMetadata,
  TopicPartition,
  TopicSpec,
} from './ports';
