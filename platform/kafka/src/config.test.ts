import { describe, expect, it } from 'vitest';
import { createKafka, KafkaConfigInvalid } from './index';

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (error) {
    if (error instanceof KafkaConfigInvalid) return error.problems;
    throw error;
  }
  throw new Error('expected KafkaConfigInvalid');
}

describe('createKafka config validation', () => {
  it('names every wrong field of the client config', () => {
    const problems = problemsOf(() => createKafka({ clientId: '', brokers: ['localhost'], client: 'rdkafka' as never }));
    expect(problems.map((p) => p.path).sort()).toEqual(['brokers.0', 'client', 'clientId']);
    expect(problems.find((p) => p.path === 'brokers.0')?.message).toContain('host:port');
  });

  it('rejects an empty broker list', () => {
    expect(problemsOf(() => createKafka({ clientId: 'gw', brokers: [] }))).toEqual([{ path: 'brokers', message: 'must list at least one bootstrap broker' }]);
  });

  it('validates producer and consumer options when the role is created, not when it connects', () => {
    const kafka = createKafka({ clientId: 'gw', brokers: ['127.0.0.1:9092'] });
    expect(
      problemsOf(() => kafka.producer({ compression: 'brotli' as never, lingerMs: -1, deliveryTimeoutMs: 10 }))
        .map((p) => p.path)
        .sort(),
    ).toEqual(['compression', 'deliveryTimeoutMs', 'lingerMs']);
    expect(
      problemsOf(() => kafka.consumer({ groupId: '', topics: [], maxBatchRecords: 0 }))
        .map((p) => p.path)
        .sort(),
    ).toEqual(['groupId', 'maxBatchRecords', 'topics']);
  });

  it('says in its message what is wrong and what to do', () => {
    expect(() => createKafka({ clientId: 'gw', brokers: ['nope'] })).toThrow(/brokers\.0: must be host:port.*\n.*Fix the fields above/s);
  });

  it('accepts a minimal config for both adapters', () => {
    for (const client of ['kafkajs', 'platformatic'] as const) {
      const kafka = createKafka({ clientId: 'gw', brokers: ['127.0.0.1:9092'], client });
      expect(() => kafka.consumer({ groupId: 'g', topics: ['t'] })).not.toThrow();
      expect(() => kafka.producer()).not.toThrow();
    }
  });
});
