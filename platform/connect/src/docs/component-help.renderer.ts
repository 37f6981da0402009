import type { ConnectorSpec } from '../connector.spec';
import { type ConfigField, configFields } from './config.fields';

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function fieldLines(field: ConfigField): string[] {
  const presence = 'default' in field ? `default ${json(field.default)}` : field.required ? 'required' : 'optional';
  const details = [field.when === undefined ? '' : `Only when ${field.when}. `, field.description ?? '', 'example' in field ? ` Example: ${json(field.example)}` : '']
    .join('')
    .trim();
  return [`  ${field.path}  ${field.type}, ${presence}`, ...(details ? [`      ${details}`] : [])];
}

/** One connector's `--help`: what it is, then every config field with its type, default and example. */
export function renderComponentHelp(spec: ConnectorSpec): string {
  const outputs = spec.kind === 'sink' ? spec.outputs : ['readings to the edge gateway'];
  return [
    `${spec.name} (${spec.kind}, ${spec.status})`,
    `  ${spec.summary}`,
    '',
    `Inputs: ${spec.inputs.join('; ')}`,
    `Outputs: ${outputs.join('; ')}`,
    ...(spec.metadata.length > 0 ? ['Metadata:', ...spec.metadata.map((entry) => `  ${entry.key}  ${entry.description}`)] : []),
    '',
    'Config:',
    ...configFields(spec.config).flatMap(fieldLines),
  ].join('\n');
}

const LIST_SUMMARY_CHARS = 100;

/** The summary's first sentence, cut at a word when longer than a listing line has room for. */
function headline(summary: string): string {
  const sentence = summary.split(/(?<=\.)\s/)[0]!;
  if (sentence.length <= LIST_SUMMARY_CHARS) return sentence;
  return `${sentence.slice(0, sentence.lastIndexOf(' ', LIST_SUMMARY_CHARS)).replace(/[,;:]$/, '')} …`;
}

/** One line per connector: name, kind, status and the start of its summary, for a listing. */
export function renderComponentList(specs: readonly ConnectorSpec[]): string {
  const width = Math.max(...specs.map((spec) => spec.name.length));
  return specs.map((spec) => `  ${spec.name.padEnd(width)}  ${spec.kind} (${spec.status})  ${headline(spec.summary)}`).join('\n');
}
