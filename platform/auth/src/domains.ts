/** `<domain>.<product>.v<major>`: everything before the product names the domain. */
const VERSIONED_TOPIC = /^(.+)\.[^.]+\.v\d+$/;

/**
 * The owning domain of a topic. A product topic is `<domain>.<product>.v<major>`, where a domain's
 * hyphens may be written as dots (`plant.telemetry.raw.v1` belongs to `plant-telemetry`, as its
 * contract says); any other topic belongs to its first dot-separated part.
 */
export function domainOfTopic(topic: string): string {
  const versioned = VERSIONED_TOPIC.exec(topic);
  if (versioned) return versioned[1]!.replaceAll('.', '-');
  const dot = topic.indexOf('.');
  return dot === -1 ? topic : topic.slice(0, dot);
}

const SUBJECT_SUFFIX = /-(value|key)$/;

/** The owning domain of a TopicNameStrategy subject (`<topic>-value` or `<topic>-key`). */
export function domainOfSubject(subject: string): string {
  return domainOfTopic(subject.replace(SUBJECT_SUFFIX, ''));
}
