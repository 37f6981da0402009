/**
 * MQTT topic filter semantics (MQTT 5 §4.7), for reasoning about subscriptions on our side: which filters
 * match a topic, which filter makes another redundant, and which identifier a subscription carries.
 */

const SHARED = /^\$share\/[^/]+\//;

/** The filter a shared subscription (`$share/<group>/<filter>`) matches topics with. */
const matchingPart = (filter: string) => filter.replace(SHARED, '');

/** True when `topic` matches `filter`; `+` and `#` never match a first level starting with `$` (MQTT 5 §4.7.2). */
export function filterMatches(filter: string, topic: string): boolean {
  const levels = matchingPart(filter).split('/');
  const parts = topic.split('/');
  for (let index = 0; index < levels.length; index++) {
    const level = levels[index]!;
    if (index === 0 && (level === '+' || level === '#') && topic.startsWith('$')) return false;
    if (level === '#') return true; // `a/#` also matches `a`
    const part = parts[index];
    if (part === undefined) return false;
    if (level !== '+' && level !== part) return false;
  }
  return parts.length === levels.length;
}

/** True when every topic `inner` matches is matched by `outer` as well (so subscribing both only doubles deliveries). */
export function filterCovers(outer: string, inner: string): boolean {
  if (SHARED.test(outer) || SHARED.test(inner)) return outer === inner; // a shared group delivers to one member: never redundant
  const outerLevels = outer.split('/');
  const innerLevels = inner.split('/');
  for (let index = 0; index < outerLevels.length; index++) {
    const level = outerLevels[index]!;
    // `#` covers whatever follows; as the first level it still misses `$` topics.
    if (level === '#') return index > 0 || !innerLevels[0]!.startsWith('$');
    const innerLevel = innerLevels[index];
    if (innerLevel === undefined) return false;
    if (level === '+') {
      if (innerLevel === '#') return false;
      if (index === 0 && innerLevel.startsWith('$')) return false;
      continue;
    }
    if (level !== innerLevel) return false;
  }
  return outerLevels.length === innerLevels.length;
}

/**
 * Every filter (without shared-subscription prefix) that matches `topic`: each level literal or `+`,
 * optionally ending in `#`. Unsubscribing them removes any plain subscription that delivers the topic.
 * Undefined beyond `maxLevels` levels, where the list would grow past what one UNSUBSCRIBE should carry.
 */
export function filtersMatching(topic: string, maxLevels = 8): string[] | undefined {
  const parts = topic.split('/');
  if (parts.length > maxLevels) return undefined;
  const dollar = topic.startsWith('$');
  let prefixes: string[][] = [[]];
  const filters: string[] = [];
  for (let index = 0; index <= parts.length; index++) {
    // `#` here matches this level and everything below (and the parent itself).
    for (const prefix of prefixes) if (!(index === 0 && dollar)) filters.push([...prefix, '#'].join('/'));
    if (index === parts.length) break;
    const part = parts[index]!;
    const choices = index === 0 && dollar ? [part] : [part, '+'];
    prefixes = prefixes.flatMap((prefix) => choices.map((choice) => [...prefix, choice]));
  }
  for (const prefix of prefixes) filters.push(prefix.join('/'));
  return filters;
}

/** MQTT 5 subscription identifiers run from 1 to 268,435,455. */
const MAX_SUBSCRIPTION_IDENTIFIER = 268_435_455;

/**
 * A subscription identifier derived from the filter (FNV-1a), the same on every connection and every
 * gateway version: a copy the broker delivers for a filter we no longer subscribe to never carries the
 * identifier of one we do, as positional identifiers would after the configured list changed.
 */
export function subscriptionIdentifier(filter: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(filter, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % MAX_SUBSCRIPTION_IDENTIFIER) + 1;
}
