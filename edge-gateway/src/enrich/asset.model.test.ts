import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../config/gateway.config';
import { AssetModel } from './asset.model';

describe('AssetModel', () => {
  const model = new AssetModel([{ assetPath: 'acme/berlin/press-shop/line-1/pump-1', class: 'pump' }]);

  it("adds the asset's class to the reading's attributes, beside what the connector put there", () => {
    expect(model.enrich('acme/berlin/press-shop/line-1/pump-1', { 'opcua.euRange': '0..150' })).toEqual({ 'opcua.euRange': '0..150', 'asset.class': 'pump' });
  });

  it('adds no class to an asset the model does not list, rather than guessing one', () => {
    expect(model.enrich('acme/berlin/press-shop/line-1/pump-2', {})).toEqual({});
  });

  it('refuses a config that lists one asset twice, naming the entry', () => {
    const result = gatewayConfigSchema.shape.assets.safeParse([
      { assetPath: 'a/b', class: 'pump' },
      { assetPath: 'a/b', class: 'motor' },
    ]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [1, 'assetPath'], message: 'a/b is listed twice' });
  });
});
