import type { KafkaAdminPort } from '@fieldmesh/kafka';
import type { Counter } from './stage';

/** Records acknowledged on a topic: the sum of its partitions' end offsets (the topic must exist). */
export function topicCounter(admin: KafkaAdminPort, topic: string, name: string): Counter {
  return {
    name,
    unit: 'records',
    read: async () => {
      return (await admin.fetchTopicEndOffsets(topic)).reduce((sum, partition) => sum + Number(partition.offset), 0);
    },
  };
}
