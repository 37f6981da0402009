import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointStore, checkpointTopicFor, type JobCheckpoint } from '../src/checkpoint.store';
import { testKafka, uniqueName } from './support/harness';

const kafka = testKafka();
const groupId = uniqueName('checkpoint-migration');
const legacyTopic = `${groupId}.checkpoints`;
const checkpoint: JobCheckpoint = { watermarks: { sums: 1_790_000_000_000 }, readUntil: { 'readings:0': '42' } };

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics([checkpointTopicFor(groupId), legacyTopic]).catch(() => undefined);
  await admin.disconnect();
});

describe('checkpoint topics on a real broker', () => {
  it('a job upgraded from <group>.checkpoints resumes from its last checkpoint, which moves to _fieldmesh.checkpoints.<group>', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await admin.createTopics([{ topic: legacyTopic, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
      const value = (c: JobCheckpoint) => Buffer.from(JSON.stringify(c));
      await producer.send([
        { topic: legacyTopic, key: groupId, value: value({ watermarks: { sums: 1 }, readUntil: {} }), partition: 0 },
        { topic: legacyTopic, key: groupId, value: value(checkpoint), partition: 0 },
      ]);

      expect(await new CheckpointStore(kafka, groupId).load()).toEqual(checkpoint);
      // Kafka deletes topics asynchronously: the old one is gone from the listing once the controller is done.
      while ((await admin.listTopics()).includes(legacyTopic)) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await new CheckpointStore(kafka, groupId).load()).toEqual(checkpoint);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
