import { z } from 'zod';

/** The attribute each reading of a modelled asset carries its class under (beside `opcua.euRange`). */
export const ASSET_CLASS_ATTRIBUTE = 'asset.class';

export const assetEntrySchema = z.strictObject({
  assetPath: z
    .string()
    .min(1)
    .describe('ISA-95 asset path, as the connector mappings render it')
    .meta({ examples: ['acme/berlin/press-shop/line-1/pump-1'] }),
  class: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, dashes and underscores')
    .describe('The asset class: which models score it and which failure modes it can have')
    .meta({ examples: ['pump'] }),
});

export type AssetEntry = z.output<typeof assetEntrySchema>;

/**
 * The site's asset model as the gateway knows it: each reading of a listed asset carries its class in
 * the attribute `asset.class` (the raw product has no field for it), so consumers need no copy of the
 * model. Readings of an asset not listed carry no class rather than a guess.
 */
export class AssetModel {
  private readonly classes: ReadonlyMap<string, string>;

  constructor(entries: readonly AssetEntry[]) {
    this.classes = new Map(entries.map((entry) => [entry.assetPath, entry.class]));
  }

  /** The attributes with the asset's class added, when the model knows the asset; the same object otherwise. */
  enrich(assetPath: string, attributes: Record<string, string>): Record<string, string> {
    const assetClass = this.classes.get(assetPath);
    return assetClass === undefined ? attributes : { ...attributes, [ASSET_CLASS_ATTRIBUTE]: assetClass };
  }
}
