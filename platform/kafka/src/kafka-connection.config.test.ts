import { parseWith } from '@fieldmesh/config';
import { describe, expect, it } from 'vitest';
import { kafkaConnectionSchema } from './kafka-connection.config';

describe('kafkaConnectionSchema', () => {
  it('defaults the client id to the service and leaves the adapter to the platform', () => {
    expect(kafkaConnectionSchema('energy').parse({ brokers: ['127.0.0.1:9092'] })).toEqual({ brokers: ['127.0.0.1:9092'], clientId: 'energy' });
  });

  it('names a broker without a port and an unknown key', () => {
    const result = parseWith(kafkaConnectionSchema('energy'), { brokers: ['localhost'], bootstrap: 'x' });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['brokers.0', 'bootstrap']));
  });
});
