import { describe, expect, it } from 'vitest';
import { domainOfSubject, domainOfTopic } from './domains';

describe('domain of a topic or subject', () => {
  it('is the first part of the topic name', () => {
    expect(domainOfTopic('asset-health.anomaly-scores.v1')).toBe('asset-health');
    expect(domainOfTopic('plant.telemetry.raw.v1')).toBe('plant');
  });

  it('strips the TopicNameStrategy suffix of a subject', () => {
    expect(domainOfSubject('asset-health.anomaly-scores.v1-value')).toBe('asset-health');
    expect(domainOfSubject('energy.consumption-15m.v1-key')).toBe('energy');
  });

  it('is the whole name when it has no dot', () => {
    expect(domainOfTopic('legacy')).toBe('legacy');
    expect(domainOfSubject('legacy-value')).toBe('legacy');
  });
});
