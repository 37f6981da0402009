import { readTopicToEnd, TopicEndNotReached, TopicNotFound, type ConsumedRecord, type KafkaPort } from '@fieldmesh/kafka';
import { LineageReadFailed } from './errors';
import { LineageGraph } from './lineage.graph';
import { LINEAGE_TOPIC } from './lineage.topic';

export interface ReadLineageOptions {
  topic?: string;
  /** How long reading to the end of the topic may take. Default 30 s. */
  timeoutMs?: number;
}

function parse(record: ConsumedRecord): unknown {
  if (!record.value) return undefined; // a tombstone: nothing to add
  try {
    return JSON.parse(record.value.toString('utf8'));
  } catch {
    return record.value.toString('utf8'); // counted as skipped by the graph
  }
}

/** Reads the lineage topic from its beginning to the end offsets it had when called, and builds the graph. */
export async function readLineageGraph(kafka: KafkaPort, options: ReadLineageOptions = {}): Promise<LineageGraph> {
  const topic = options.topic ?? LINEAGE_TOPIC;
  let records: ConsumedRecord[];
  try {
    records = await readTopicToEnd(kafka, topic, { timeoutMs: options.timeoutMs, groupPrefix: 'fieldmesh-lineage-reader' });
  } catch (error) {
    if (error instanceof TopicNotFound) {
      throw new LineageReadFailed(topic, 'the topic does not exist: no job has emitted lineage yet (jobs create it with their lineage emitter)', { cause: error });
    }
    if (error instanceof TopicEndNotReached)
      throw new LineageReadFailed(topic, `the end of partitions ${error.partitions.join(', ')} was not reached within ${error.timeoutMs} ms; check that the broker is healthy`, {
        cause: error,
      });
    throw error;
  }
  return LineageGraph.fromEvents(records.map(parse).filter((event) => event !== undefined));
}
