import { describe, expect, it } from 'vitest';
import { mqttSourceConfigSchema } from './config';
import { subscriptionsFor } from './source';

function problemsOf(input: unknown): { path: string; message: string }[] {
  const result = mqttSourceConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

const json = {
  url: 'mqtt://127.0.0.1:1883',
  clientId: 'gw-1',
  format: 'json',
  mappings: [{ topic: 'acme/+site/+area/+line/+asset/+signal', assetPath: 'acme/{site}/{area}/{line}/{asset}' }],
};

describe('MQTT source config', () => {
  it('defaults to a persistent MQTT 5 session, QoS 1 subscriptions derived from the mappings and the plant JSON field names', () => {
    const config = mqttSourceConfigSchema.parse(json);
    expect(config).toMatchObject({ protocolVersion: 5, cleanSession: false, sessionExpirySeconds: 604_800 });
    expect(config.format === 'json' && config.json).toEqual({
      timestampField: 'timestamp_ms',
      valueField: 'value',
      unitField: 'unit',
      qualityField: 'quality',
      personalFields: { operator: 'operatorBadge' },
    });
    expect(subscriptionsFor(config)).toEqual([{ topic: 'acme/+/+/+/+/+', qos: 1 }]);
  });

  it('subscribes to the Sparkplug message types of each configured group', () => {
    const config = mqttSourceConfigSchema.parse({ url: json.url, clientId: 'gw', format: 'sparkplugb', sparkplug: { groupIds: ['berlin'] } });
    expect(subscriptionsFor(config).map((s) => s.topic)).toContain('spBv1.0/berlin/DDATA/+/+');
    expect(subscriptionsFor(config)).toHaveLength(6);
  });

  it('names each bad field: a template variable the pattern does not capture, a bad pattern, QoS 2, a URL without scheme', () => {
    const problems = problemsOf({
      ...json,
      url: '127.0.0.1:1883',
      subscriptions: [{ topic: 'a/#', qos: 2 }],
      mappings: [
        { topic: 'acme/+site/+asset/+signal', assetPath: 'acme/{site}/{line}/{asset}' },
        { topic: 'acme/#rest/x', assetPath: 'acme' },
      ],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['mappings.0.assetPath', 'mappings.1.topic', 'subscriptions.0.qos', 'url']);
    expect(problems.find((p) => p.path === 'mappings.0.assetPath')!.message).toContain('{line} is not captured');
    expect(problems.find((p) => p.path === 'mappings.1.topic')!.message).toContain('# must be the last level');
  });

  it('rejects unknown Sparkplug template variables', () => {
    expect(problemsOf({ url: json.url, clientId: 'gw', format: 'sparkplugb', sparkplug: { assetPath: '{site}/{device}' } })).toEqual([
      { path: 'sparkplug.assetPath', message: expect.stringContaining('{site} is not a Sparkplug variable') },
    ]);
  });

  it('gives every field, nested ones included, a description and an example (docs and editors are generated from them)', () => {
    type Node = { properties?: Record<string, Node>; items?: Node; oneOf?: Node[]; anyOf?: Node[]; description?: string; examples?: unknown[] };
    const undocumented: string[] = [];
    let fields = 0;
    const visit = (node: Node, path: string) => {
      for (const [name, property] of Object.entries(node.properties ?? {})) {
        fields++;
        if (!property.description || property.examples?.length !== 1) undocumented.push(`${path}${name}`);
        visit(property, `${path}${name}.`);
      }
      if (node.items) visit(node.items, `${path}[].`);
      for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) visit(variant, path);
    };
    visit(mqttSourceConfigSchema.toJSONSchema() as Node, '');
    expect(undocumented).toEqual([]);
    expect(fields).toBeGreaterThan(40);
  });
});
