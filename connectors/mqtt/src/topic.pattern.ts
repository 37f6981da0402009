import { TopicPatternInvalid } from './errors';

/**
 * Topic patterns are MQTT filters whose wildcards may carry a name: `acme/+site/+area/+line/+asset/+signal`
 * subscribes to `acme/+/+/+/+/+` and captures each level under its name; a final `#rest` captures the
 * remaining levels joined by `/`. Templates (`acme/{site}/{area}`) are rendered from the captures.
 */
type Level = { kind: 'literal'; text: string } | { kind: 'one'; name?: string } | { kind: 'rest'; name?: string };

export interface TopicPattern {
  source: string;
  /** The MQTT subscription filter (names removed). */
  filter: string;
  names: string[];
  levels: Level[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseTopicPattern(pattern: string): TopicPattern {
  if (pattern.length === 0) throw new TopicPatternInvalid(pattern, 'it is empty');
  const parts = pattern.split('/');
  const levels: Level[] = [];
  const names: string[] = [];
  parts.forEach((part, index) => {
    const wildcard = part[0];
    if (wildcard === '+' || wildcard === '#') {
      const name = part.slice(1);
      if (name !== '' && !NAME.test(name)) throw new TopicPatternInvalid(pattern, `"${name}" is not a name (letters, digits, _)`);
      if (name !== '' && names.includes(name)) throw new TopicPatternInvalid(pattern, `the name "${name}" is used twice`);
      if (wildcard === '#' && index !== parts.length - 1) throw new TopicPatternInvalid(pattern, '# must be the last level');
      if (name !== '') names.push(name);
      levels.push({ kind: wildcard === '+' ? 'one' : 'rest', ...(name === '' ? {} : { name }) });
    } else {
      if (part.includes('+') || part.includes('#')) throw new TopicPatternInvalid(pattern, `level "${part}" mixes text and a wildcard`);
      levels.push({ kind: 'literal', text: part });
    }
  });
  const filter = levels.map((level) => (level.kind === 'literal' ? level.text : level.kind === 'one' ? '+' : '#')).join('/');
  return { source: pattern, filter, names, levels };
}

/** The captured levels when `topic` matches, undefined otherwise. */
export function matchTopic(pattern: TopicPattern, topic: string): Record<string, string> | undefined {
  const parts = topic.split('/');
  const captures: Record<string, string> = {};
  for (let index = 0; index < pattern.levels.length; index++) {
    const level = pattern.levels[index]!;
    if (level.kind === 'rest') {
      // MQTT: `a/#` also matches `a` itself.
      if (level.name) captures[level.name] = parts.slice(index).join('/');
      return captures;
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    if (level.kind === 'literal' && level.text !== part) return undefined;
    if (level.kind === 'one' && level.name) captures[level.name] = part;
  }
  return parts.length === pattern.levels.length ? captures : undefined;
}

const VARIABLE = /\{([^{}]*)\}/g;

/** Names a template uses, to check them against what a pattern captures when the config is parsed. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((match) => match[1]!);
}

/** Replaces `{name}` by its value; the caller has checked every name exists. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(VARIABLE, (_, name: string) => values[name] ?? '');
}
