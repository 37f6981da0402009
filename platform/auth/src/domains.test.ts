import { describe, expect, it } from 'vitest';
import { domainOfSubject, domainOfTopic } from './domains';

describe('domain of a topic or subject', () => {
  it('is what precedes the product in a versioned product topic', () => {
    expect(domainOfTopic('asset-health.anomaly-scores.v1')).toBe('asset-health');
    expect(domainOfTopic('energy.consumption-15m.v1')).toBe('energy');
  });

  it('reads dots before the product as the hyphens of the domain name', () => {
    expect(domainOfTopic('plant.telemetry.raw.v1')).toBe('plant-telemetry');
    expect(domainOfSubject('plant.telemetry.clean.v1-value')).toBe('plant-telemetry');
  });

  it('is the first part of any other name, such as a contract id', () => {
    expect(domainOfTopic('plant-telemetry.clean')).toBe('plant-telemetry');
    expect(domainOfTopic('_fieldmesh.lineage')).toBe('_fieldmesh');
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
