import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ConnectorSpec, renderComponentDoc } from '@fieldmesh/connect';
import { connectorCatalog, GATEWAY_JSON_SCHEMA_FILE, gatewayExampleFor, gatewayJsonSchema } from '@fieldmesh/edge-gateway';

/** The command that writes every generated file; stale-file messages name it. */
export const DOCS_COMMAND = 'npm run docs:generate';
export const COMPONENT_DOCS_DIR = 'docs/components';

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
  /** What it is generated from, for the message when it is stale. */
  source: string;
}

export interface DocumentedSpec {
  spec: ConnectorSpec;
  /** Relative to the repository root, e.g. `connectors/mqtt/src/spec.ts`. */
  specFile: string;
}

const isConnectorSpec = (value: unknown): value is ConnectorSpec =>
  typeof value === 'object' &&
  value !== null &&
  ['source', 'sink'].includes((value as ConnectorSpec).kind) &&
  typeof (value as ConnectorSpec).name === 'string' &&
  'config' in value;

/** Every connector spec exported by a `connectors/<name>/src/spec.ts`, so that a new connector needs no list edited. */
export async function findConnectorSpecs(root: string): Promise<DocumentedSpec[]> {
  const files = globSync('connectors/*/src/spec.ts', { cwd: root }).sort();
  const found = await Promise.all(
    files.map(async (specFile) => {
      const module = (await import(pathToFileURL(join(root, specFile)).href)) as Record<string, unknown>;
      return Object.values(module)
        .filter(isConnectorSpec)
        .map((spec) => ({ spec, specFile }));
    }),
  );
  return found.flat().sort((a, b) => a.spec.name.localeCompare(b.spec.name));
}

/** A source the gateway runs is shown as a whole gateway.yaml that editors check against the generated schema. */
function placeExample(config: Record<string, unknown>, spec: ConnectorSpec) {
  const type = spec.name as keyof typeof connectorCatalog;
  if (spec.kind !== 'source' || connectorCatalog[type] !== spec) return { document: config };
  return { document: gatewayExampleFor(type, config), header: `# yaml-language-server: $schema=../../${GATEWAY_JSON_SCHEMA_FILE}` };
}

function indexPage(specs: DocumentedSpec[]): string {
  return [
    `<!-- Generated from connectors/*/src/spec.ts by \`${DOCS_COMMAND}\`; do not edit. -->`,
    '',
    '# Components',
    '',
    'One page per connector, rendered from its spec. Sources run in the edge gateway (a `connectors` entry of',
    `gateway.yaml, whose JSON Schema for editors is [${GATEWAY_JSON_SCHEMA_FILE}](../../${GATEWAY_JSON_SCHEMA_FILE})); sinks are services of their own.`,
    '',
    '| Connector | Kind | Status | Spec |',
    '| --- | --- | --- | --- |',
    ...specs.map(({ spec, specFile }) => `| [${spec.name}](${spec.name}.md) | ${spec.kind} | ${spec.status} | [${specFile}](../../${specFile}) |`),
    '',
  ].join('\n');
}

/** Every file generated from the specs, rendered in memory. */
export async function generatedFiles(root: string): Promise<GeneratedFile[]> {
  const specs = await findConnectorSpecs(root);
  return [
    ...specs.map(({ spec, specFile }) => ({
      path: `${COMPONENT_DOCS_DIR}/${spec.name}.md`,
      content: renderComponentDoc(spec, { specFile, command: DOCS_COMMAND, placeExample }),
      source: specFile,
    })),
    { path: `${COMPONENT_DOCS_DIR}/README.md`, content: indexPage(specs), source: 'connectors/*/src/spec.ts' },
    {
      path: GATEWAY_JSON_SCHEMA_FILE,
      content: `${JSON.stringify(gatewayJsonSchema(DOCS_COMMAND), null, 2)}\n`,
      source: 'edge-gateway/src/config/gateway.config.ts and the connector catalog',
    },
  ];
}

/** Files in docs/components that no spec generates any more (a connector was removed or renamed). */
export function orphanedFiles(root: string, generated: GeneratedFile[]): string[] {
  const expected = new Set(generated.map((file) => file.path));
  return globSync(`${COMPONENT_DOCS_DIR}/*`, { cwd: root })
    .map((path) => path.split('\\').join('/'))
    .filter((path) => !expected.has(path))
    .sort();
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** One message per generated file that is missing, differs from what its source generates, or has no source any more. */
export function checkGeneratedFiles(root: string, generated: GeneratedFile[]): string[] {
  const problems = generated.flatMap((file) => {
    const actual = readOrUndefined(join(root, file.path));
    if (actual === undefined) return [`${file.path} is missing: it is generated from ${file.source}. Run \`${DOCS_COMMAND}\` and commit the result.`];
    if (actual !== file.content)
      return [`${file.path} is stale: it differs from what ${file.source} generates. Run \`${DOCS_COMMAND}\` and commit the result; do not edit it by hand.`];
    return [];
  });
  const orphans = orphanedFiles(root, generated).map((path) => `${path} is generated from no connector spec any more. Run \`${DOCS_COMMAND}\`, which removes it.`);
  return [...problems, ...orphans];
}
