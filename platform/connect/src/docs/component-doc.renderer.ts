import { stringify } from 'yaml';
import type { ConnectorSpec } from '../connector.spec';
import { configExamples } from './config.examples';
import { type ConfigField, configFields } from './config.fields';

export interface ComponentDocOptions {
  /** Repository path of the spec the page is generated from, e.g. `connectors/mqtt/src/spec.ts`. */
  specFile: string;
  /** The command that regenerates the page, e.g. `npm run docs:generate`. */
  command: string;
  /**
   * Where the config sits in the file a user writes, e.g. a gateway.yaml `connectors` entry, and the
   * comment that points editors at that file's JSON Schema. The bare config when absent.
   */
  placeExample?: (config: Record<string, unknown>, spec: ConnectorSpec) => { document: unknown; header?: string };
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
/** Inline code; a string shows bare unless it is empty. */
const code = (value: unknown) => `\`${cell(typeof value === 'string' && value !== '' ? value : JSON.stringify(value))}\``;

function defaultCell(field: ConfigField): string {
  if ('default' in field) return code(field.default);
  return field.required ? '**required**' : 'optional';
}

function descriptionCell(field: ConfigField): string {
  const only = field.when === undefined ? '' : `Only when \`${field.when}\`. `;
  return cell(`${only}${field.description ?? ''}`.trim());
}

function fieldTable(fields: ConfigField[]): string[] {
  return [
    '| Field | Type | Default | Description | Example |',
    '| --- | --- | --- | --- | --- |',
    ...fields.map((field) => `| \`${field.path}\` | ${cell(field.type)} | ${defaultCell(field)} | ${descriptionCell(field)} | ${'example' in field ? code(field.example) : ''} |`),
  ];
}

function exampleBlocks(spec: ConnectorSpec, options: ComponentDocOptions): string[] {
  const placed = configExamples(spec.config).map(({ variant, config }) => ({ variant, ...(options.placeExample?.(config, spec) ?? { document: config }) }));
  const hinted = placed.some((example) => example.header !== undefined);
  return [
    `Every field set to its example value.${hinted ? ' The comment on the first line lets an editor running the YAML language server check and complete the file; keep its path relative to where your file sits.' : ''}`,
    '',
    ...placed.flatMap(({ variant, document, header }) => [
      ...(variant ? [`With \`${variant}\`:`, ''] : []),
      '```yaml',
      ...(header ? [header] : []),
      stringify(document, { lineWidth: 0 }).trimEnd(),
      '```',
      '',
    ]),
  ];
}

/** The Markdown page of one connector, every part of it taken from its spec. */
export function renderComponentDoc(spec: ConnectorSpec, options: ComponentDocOptions): string {
  const lines = [
    `<!-- Generated from ${options.specFile} by \`${options.command}\`; do not edit. -->`,
    '',
    `# ${spec.name}`,
    '',
    `**Kind:** ${spec.kind} · **Status:** ${spec.status}`,
    '',
    spec.summary,
    '',
    '## Inputs',
    '',
    ...spec.inputs.map((input) => `- ${input}`),
    '',
    '## Outputs',
    '',
    ...(spec.kind === 'sink'
      ? spec.outputs.map((output) => `- ${output}`)
      : ['- readings (asset path, signal, value, unit, quality, timestamps, attributes) handed to the edge gateway, acknowledged to the peer once durable']),
    '',
    '## Metadata',
    '',
    ...(spec.metadata.length === 0 ? ['None.'] : ['| Key | Description |', '| --- | --- |', ...spec.metadata.map((entry) => `| \`${entry.key}\` | ${cell(entry.description)} |`)]),
    '',
    '## Configuration',
    '',
    ...fieldTable(configFields(spec.config)),
    '',
    '## Example',
    '',
    ...exampleBlocks(spec, options),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
