import { describe, expect, it } from 'vitest';
import { kafkaVersion } from './kafka.runtime';

describe('kafka runtime', () => {
  it('pins Kafka 3.9.1 in the checked-in pom (4.x drops request versions kafkajs sends)', () => {
    expect(kafkaVersion()).toBe('3.9.1');
  });

  it('refuses a pom without a pinned kafka_2.13', () => {
    expect(() => kafkaVersion('<project><dependencies/></project>')).toThrow(/pins no version of org.apache.kafka:kafka_2.13/);
  });
});
