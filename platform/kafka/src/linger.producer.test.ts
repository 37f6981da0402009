import { describe, expect, it } from 'vitest';
import { LingeringProducer } from './linger.producer';
import type { KafkaProducerPort, OutgoingRecord, RecordMetadata } from './ports';

function recordingProducer(fail = false) {
  const requests: OutgoingRecord[][] = [];
  const inner: KafkaProducerPort = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (records): Promise<RecordMetadata[]> => {
      requests.push(records);
      if (fail) throw new Error('broker down');
      return [...new Set(records.map((r) => r.topic))].map((topic) => ({ topic, partition: 0, baseOffset: '0' }));
    },
  };
  return { inner, requests };
}

describe('LingeringProducer', () => {
  it('sends the records of concurrent send() calls within lingerMs as one request, in call order', async () => {
    const { inner, requests } = recordingProducer();
    const producer = new LingeringProducer(inner, 20);
    const [a, b] = await Promise.all([
      producer.send([{ topic: 'a', value: Buffer.from('1') }]),
      producer.send([
        { topic: 'b', value: Buffer.from('2') },
        { topic: 'b', value: Buffer.from('3') },
      ]),
    ]);
    expect(requests.map((r) => r.map((x) => x.value!.toString()))).toEqual([['1', '2', '3']]);
    expect(a).toEqual([{ topic: 'a', partition: 0, baseOffset: '0' }]);
    expect(b).toEqual([{ topic: 'b', partition: 0, baseOffset: '0' }]);
  });

  it('rejects every caller of a failed request, so none of them commits', async () => {
    const { inner } = recordingProducer(true);
    const producer = new LingeringProducer(inner, 5);
    const results = await Promise.allSettled([producer.send([{ topic: 'a', value: null }]), producer.send([{ topic: 'a', value: null }])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('flushes what is waiting when disconnected', async () => {
    const { inner, requests } = recordingProducer();
    const producer = new LingeringProducer(inner, 60_000);
    const sent = producer.send([{ topic: 'a', value: Buffer.from('late') }]);
    await producer.disconnect();
    await sent;
    expect(requests).toHaveLength(1);
  });
});
