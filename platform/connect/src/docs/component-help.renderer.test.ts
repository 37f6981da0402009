import { describe, expect, it } from 'vitest';
import { renderComponentHelp, renderComponentList } from './component-help.renderer';
import { configFields } from './config.fields';
import { fixtureSink, fixtureSource, fixtureSourceConfig } from './docs.fixture';

describe('renderComponentHelp', () => {
  const help = renderComponentHelp(fixtureSource);

  it('starts with name, kind and status, then the summary, inputs and metadata', () => {
    expect(help.split('\n').slice(0, 2)).toEqual(['fixture (source, experimental)', '  Reads fixture messages for tests. It has a second sentence.']);
    expect(help).toContain('Inputs: fixture topics');
    expect(help).toContain('  fixture.qos  QoS | delivered with.');
  });

  it('shows every config field with its type, default or requirement, description and example', () => {
    for (const field of configFields(fixtureSourceConfig)) expect(help).toContain(`\n  ${field.path}  `);
    expect(help).toContain('  url  string, required\n      Where | to connect. Example: tcp://127.0.0.1:1');
    expect(help).toContain('  retries  integer, default 3\n');
    expect(help).toContain('      Only when format: json. Value field. Example: v');
  });

  it("shows a sink's outputs", () => {
    expect(renderComponentHelp(fixtureSink)).toContain('Outputs: table <name>');
  });
});

describe('renderComponentList', () => {
  it('gives one aligned line per connector with the first sentence of its summary', () => {
    expect(renderComponentList([fixtureSource, fixtureSink]).split('\n')).toEqual([
      '  fixture       source (experimental)  Reads fixture messages for tests.',
      '  fixture-sink  sink (stable)  Writes fixture rows.',
    ]);
  });

  it('cuts a long first sentence at a word', () => {
    const line = renderComponentList([{ ...fixtureSink, summary: `${'word '.repeat(40)}end.` }]);
    expect(line).toMatch(/ word …$/);
    expect(line.length).toBeLessThan(140);
  });
});
