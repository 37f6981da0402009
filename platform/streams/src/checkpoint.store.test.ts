import type { BatchHandler, ConsumerOptions, KafkaConsumerPort } from '@fieldmesh/kafka';
import { describe, expect, it } from 'vitest';
import { CheckpointStore, checkpointTopicFor, legacyCheckpointTopicFor, type JobCheckpoint } from './checkpoint.store';
import { MemoryKafka } from './memory.kafka';

/** MemoryKafka whose consumers receive what is waiting as soon as they run, as the store's reader expects of a broker. */
class ServingKafka extends MemoryKafka {
  override consumer(options: ConsumerOptions): KafkaConsumerPort {
    const consumer = super.consumer(options);
    return {
      ...consumer,
      run: async (handler: BatchHandler) => {
        await consumer.run(handler);
        setImmediate(() => void this.deliver(options.groupId));
      },
    };
  }
}

const GROUP = 'plant-telemetry.clean';
const OLD: JobCheckpoint = { watermarks: { clean: 1_000 }, readUntil: { 'plant.telemetry.raw.v1:0': '42' } };
const NEW: JobCheckpoint = { watermarks: { clean: 2_000 }, readUntil: { 'plant.telemetry.raw.v1:0': '84' } };

function legacyRecord(checkpoint: JobCheckpoint) {
  return { topic: legacyCheckpointTopicFor(GROUP), key: GROUP, value: Buffer.from(JSON.stringify(checkpoint)), partition: 0 };
}

describe('CheckpointStore', () => {
  it('keeps checkpoints out of the product namespace, on an internal topic a topic listing can tell apart', () => {
    expect(checkpointTopicFor(GROUP)).toBe('_fieldmesh.checkpoints.plant-telemetry.clean');
    expect(new CheckpointStore(new MemoryKafka(), GROUP).record(NEW).topic).toBe('_fieldmesh.checkpoints.plant-telemetry.clean');
  });

  it('reads back the latest checkpoint a job wrote, and nothing on a first start', async () => {
    const kafka = new ServingKafka();
    const store = new CheckpointStore(kafka, GROUP);
    expect(await store.load()).toBeUndefined();
    kafka.append([store.record(OLD), store.record(NEW)]);
    expect(await store.load()).toEqual(NEW);
  });

  it('migrates the checkpoint of an older release (<group>.checkpoints) once, then deletes that topic', async () => {
    const kafka = new ServingKafka();
    kafka.append([legacyRecord(OLD)]);
    const store = new CheckpointStore(kafka, GROUP);

    expect(await store.load()).toEqual(OLD);
    expect(kafka.records(checkpointTopicFor(GROUP)).map((r) => JSON.parse(r.value!.toString()))).toEqual([OLD]);
    expect(await kafka.admin().listTopics()).not.toContain(legacyCheckpointTopicFor(GROUP));
    // The next start reads the copy, as if the old topic had never been.
    expect(await store.load()).toEqual(OLD);
  });

  it('prefers the new topic when both hold a checkpoint, and removes the old one left by an interrupted migration', async () => {
    const kafka = new ServingKafka();
    const store = new CheckpointStore(kafka, GROUP);
    kafka.append([legacyRecord(OLD), store.record(NEW)]);

    expect(await store.load()).toEqual(NEW);
    expect(await kafka.admin().listTopics()).toEqual([checkpointTopicFor(GROUP)]);
  });

  it('deletes an empty old topic without writing a checkpoint for it', async () => {
    const kafka = new ServingKafka();
    kafka.createTopic(legacyCheckpointTopicFor(GROUP));

    expect(await new CheckpointStore(kafka, GROUP).load()).toBeUndefined();
    expect(kafka.records(checkpointTopicFor(GROUP))).toEqual([]);
    expect(await kafka.admin().listTopics()).toEqual([checkpointTopicFor(GROUP)]);
  });
});
