import { describe, expect, it } from 'vitest';
import { mapBrowsePath, unknownPlaceholders } from './browse.mapping';

const rules = { levels: ['site', 'line', 'asset'], assetPathTemplate: 'acme/{site}/press-shop/{line}/{asset}' };

describe('mapBrowsePath', () => {
  it('maps Objects/<site>/<line>/<asset>/<signal> through the template', () => {
    expect(mapBrowsePath(['berlin', 'line-1', 'compressor-1', 'bearing_temperature'], rules)).toEqual({
      assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
      signal: 'bearing_temperature',
    });
  });

  it("prefers the asset's AssetPath property over the template", () => {
    expect(mapBrowsePath(['berlin', 'line-2', 'pump-1', 'flow'], rules, 'acme/berlin/stamping/line-2/pump-1')).toEqual({
      assetPath: 'acme/berlin/stamping/line-2/pump-1',
      signal: 'flow',
    });
  });

  it('ignores variables that are not at the signal level', () => {
    expect(mapBrowsePath(['berlin', 'line-1', 'uptime'], rules)).toBeUndefined();
    expect(mapBrowsePath(['berlin', 'line-1', 'compressor-1', 'bearing', 'temperature'], rules)).toBeUndefined();
  });

  it('treats an empty AssetPath property as absent', () => {
    expect(mapBrowsePath(['berlin', 'line-1', 'motor-1', 'power'], rules, '  ')?.assetPath).toBe('acme/berlin/press-shop/line-1/motor-1');
  });
});

describe('unknownPlaceholders', () => {
  it('names template placeholders that are not browse levels', () => {
    expect(unknownPlaceholders('acme/{site}/{area}/{line}/{asset}', rules.levels)).toEqual(['area']);
    expect(unknownPlaceholders(rules.assetPathTemplate, rules.levels)).toEqual([]);
  });
});
