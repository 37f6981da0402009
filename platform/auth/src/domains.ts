/** The owning domain of a topic: its first dot-separated part (`asset-health.anomaly-scores.v1` → `asset-health`). */
export function domainOfTopic(topic: string): string {
  const dot = topic.indexOf('.');
  return dot === -1 ? topic : topic.slice(0, dot);
}

const SUBJECT_SUFFIX = /-(value|key)$/;

/** The owning domain of a TopicNameStrategy subject (`<topic>-value` or `<topic>-key`). */
export function domainOfSubject(subject: string): string {
  return domainOfTopic(subject.replace(SUBJECT_SUFFIX, ''));
}
