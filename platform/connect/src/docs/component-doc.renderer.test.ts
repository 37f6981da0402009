import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderComponentDoc } from './component-doc.renderer';
import { configFields } from './config.fields';
import { fixtureSink, fixtureSource, fixtureSourceConfig } from './docs.fixture';

const options = { specFile: 'connectors/fixture/src/spec.ts', command: 'npm run docs:generate' };

/** The YAML blocks of a page, parsed. */
const yamlBlocks = (page: string) => [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]!) as unknown);

describe('renderComponentDoc', () => {
  const page = renderComponentDoc(fixtureSource, options);

  it('says on its first line that it is generated, from which spec and by which command', () => {
    expect(page.split('\n')[0]).toBe('<!-- Generated from connectors/fixture/src/spec.ts by `npm run docs:generate`; do not edit. -->');
  });

  it('shows name, kind, status, summary, inputs and metadata keys from the spec', () => {
    expect(page).toContain('# fixture\n');
    expect(page).toContain('**Kind:** source · **Status:** experimental');
    expect(page).toContain('Reads fixture messages for tests. It has a second sentence.');
    expect(page).toContain('- fixture topics');
    expect(page).toContain('| `fixture.qos` | QoS \\| delivered with. |');
  });

  it('has a table row for every config field, with pipes in descriptions escaped', () => {
    for (const field of configFields(fixtureSourceConfig)) expect(page).toContain(`| \`${field.path}\` |`);
    expect(page).toContain('| `url` | string | **required** | Where \\| to connect. | `tcp://127.0.0.1:1` |');
    expect(page).toContain('| `valueField` | string | `value` | Only when `format: json`. Value field. | `v` |');
  });

  it('shows an example per variant that the connector accepts', () => {
    const blocks = yamlBlocks(page);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(fixtureSourceConfig.safeParse(block).success).toBe(true);
  });

  it('places the example where the runtime reads it, under an editor hint, when asked', () => {
    const placed = renderComponentDoc(fixtureSource, {
      ...options,
      placeExample: (config) => ({ document: { connectors: [{ type: 'fixture', config }] }, header: '# yaml-language-server: $schema=schema.json' }),
    });
    expect(placed).toContain('```yaml\n# yaml-language-server: $schema=schema.json\nconnectors:\n');
    expect(yamlBlocks(placed)[0]).toMatchObject({ connectors: [{ type: 'fixture', config: { format: 'json' } }] });
  });

  it('lists a sink\'s outputs, says when it adds no metadata, and shows an empty default as ""', () => {
    const sink = renderComponentDoc(fixtureSink, options);
    expect(sink).toContain('**Kind:** sink · **Status:** stable');
    expect(sink).toContain('## Outputs\n\n- table <name>\n');
    expect(sink).toContain('## Metadata\n\nNone.');
    expect(sink).toContain('| `password` | string | `""` |');
  });
});
