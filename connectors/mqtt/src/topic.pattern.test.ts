import { describe, expect, it } from 'vitest';
import { matchTopic, parseTopicPattern, renderTemplate, templateVariables } from './topic.pattern';

describe('topic patterns with named wildcards', () => {
  const plant = parseTopicPattern('acme/+site/+area/+line/+asset/+signal');

  it('subscribes to the MQTT filter without the names', () => {
    expect(plant.filter).toBe('acme/+/+/+/+/+');
    expect(plant.names).toEqual(['site', 'area', 'line', 'asset', 'signal']);
  });

  it('captures each level of a matching topic and renders the asset path from them', () => {
    const captures = matchTopic(plant, 'acme/berlin/press-shop/line-1/compressor-1/bearing_temperature');
    expect(captures).toEqual({ site: 'berlin', area: 'press-shop', line: 'line-1', asset: 'compressor-1', signal: 'bearing_temperature' });
    expect(renderTemplate('acme/{site}/{area}/{line}/{asset}', captures!)).toBe('acme/berlin/press-shop/line-1/compressor-1');
  });

  it('does not match topics with another prefix or another depth', () => {
    expect(matchTopic(plant, 'other/berlin/press-shop/line-1/compressor-1/flow')).toBeUndefined();
    expect(matchTopic(plant, 'acme/berlin/press-shop/line-1/compressor-1')).toBeUndefined();
    expect(matchTopic(plant, 'acme/berlin/press-shop/line-1/compressor-1/flow/extra')).toBeUndefined();
  });

  it('captures the rest of the topic with a final #name, and # also matches its parent level as in MQTT', () => {
    const rest = parseTopicPattern('plant/+asset/#signal');
    expect(rest.filter).toBe('plant/+/#');
    expect(matchTopic(rest, 'plant/pump-1/temperatures/bearing')).toEqual({ asset: 'pump-1', signal: 'temperatures/bearing' });
    expect(matchTopic(rest, 'plant/pump-1')).toEqual({ asset: 'pump-1', signal: '' });
  });

  it('matches unnamed wildcards without capturing', () => {
    const pattern = parseTopicPattern('acme/+/+asset/#');
    expect(matchTopic(pattern, 'acme/berlin/pump-1/a/b')).toEqual({ asset: 'pump-1' });
  });

  it.each([
    ['acme/#rest/more', '# must be the last level'],
    ['acme/+a/+a', 'used twice'],
    ['acme/x+y', 'mixes text and a wildcard'],
    ['acme/+9lives', 'is not a name'],
    ['', 'empty'],
  ])('rejects %j naming the problem', (pattern, problem) => {
    expect(() => parseTopicPattern(pattern)).toThrow(problem);
  });

  it('lists the variables a template uses', () => {
    expect(templateVariables('acme/{site}/{asset}')).toEqual(['site', 'asset']);
  });
});
