import { KafkaProduceFailed } from '@fieldmesh/kafka';
import { describe, expect, it } from 'vitest';
import { classifyProduceError } from './produce-error.classifier';

// The shapes both adapters surface, inside the port's KafkaProduceFailed.
const platformatic = (apiId: string) => new AggregateError([Object.assign(new Error(apiId), { apiId, canRetry: false })], 'Received response with error');
const kafkajs = (type: string) =>
  Object.assign(new Error('non-retriable'), { name: 'KafkaJSNonRetriableError', cause: Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type }) });
const failed = (cause: unknown) => new KafkaProduceFailed(['t'], 1, { cause });

describe('classifyProduceError', () => {
  it.each(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'TOPIC_AUTHORIZATION_FAILED', 'INVALID_TIMESTAMP'])(
    'calls %s permanent from either adapter',
    (code) => {
      expect(classifyProduceError(failed(platformatic(code)))).toMatchObject({ kind: 'permanent', code });
      expect(classifyProduceError(failed(kafkajs(code)))).toMatchObject({ kind: 'permanent', code });
    },
  );

  it.each(['NOT_LEADER_OR_FOLLOWER', 'NOT_ENOUGH_REPLICAS', 'REQUEST_TIMED_OUT', 'LEADER_NOT_AVAILABLE'])('calls %s retriable', (code) => {
    expect(classifyProduceError(failed(platformatic(code)))).toEqual({ kind: 'retriable', topicMissing: false });
  });

  it('calls a network failure or an unknown error retriable', () => {
    expect(classifyProduceError(failed(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })))).toEqual({ kind: 'retriable', topicMissing: false });
    expect(classifyProduceError('something else')).toEqual({ kind: 'retriable', topicMissing: false });
  });

  it('says when a topic is missing, so that it is created again', () => {
    expect(classifyProduceError(failed(kafkajs('UNKNOWN_TOPIC_OR_PARTITION')))).toEqual({ kind: 'retriable', topicMissing: true });
  });

  it('finds a permanent refusal among retriable errors of other partitions', () => {
    const mixed = new AggregateError([Object.assign(new Error(), { apiId: 'NOT_LEADER_OR_FOLLOWER' }), Object.assign(new Error(), { apiId: 'MESSAGE_TOO_LARGE' })]);
    expect(classifyProduceError(failed(mixed))).toMatchObject({ kind: 'permanent', code: 'MESSAGE_TOO_LARGE' });
  });
});
