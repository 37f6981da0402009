import { CLASS_SIGNALS, SIGNALS, type AssetClass, type SignalDefinition } from './signal.catalog';

/** One machine of the plant, placed in the ISA-95 hierarchy enterprise/site/area/line/asset. */
export interface Asset {
  enterprise: string;
  site: string;
  area: string;
  line: string;
  /** Asset id, unique within its line, e.g. `compressor-1`. */
  id: string;
  assetClass: AssetClass;
  /** ISA-95 path, e.g. `acme/berlin/press-shop/line-1/compressor-1`. */
  path: string;
  signals: readonly SignalDefinition[];
}

export interface Line {
  site: string;
  area: string;
  id: string;
  assets: Asset[];
}

export interface Plant {
  enterprise: string;
  lines: Line[];
  assets: Asset[];
}

export interface PlantShape {
  enterprise: string;
  sites: string[];
  area: string;
  linesPerSite: number;
  assetClasses: readonly AssetClass[];
}

export const DEFAULT_PLANT_SHAPE: PlantShape = {
  enterprise: 'acme',
  sites: ['berlin'],
  area: 'press-shop',
  linesPerSite: 2,
  assetClasses: ['compressor', 'pump', 'motor', 'conveyor'],
};

export function assetPath(parts: Pick<Asset, 'enterprise' | 'site' | 'area' | 'line' | 'id'>): string {
  return `${linePathOf(parts)}/${parts.id}`;
}

/** ISA-95 path of an asset's line, e.g. `acme/berlin/press-shop/line-1`: what an asset path starts with. */
export function linePathOf(parts: Pick<Asset, 'enterprise' | 'site' | 'area' | 'line'>): string {
  return `${parts.enterprise}/${parts.site}/${parts.area}/${parts.line}`;
}

export function makeAsset(parts: Omit<Asset, 'path' | 'signals'>, signals?: readonly SignalDefinition[]): Asset {
  return { ...parts, path: assetPath(parts), signals: signals ?? CLASS_SIGNALS[parts.assetClass].map((name) => SIGNALS[name]) };
}

/** The plant of the wire conventions: per site `line-1..n`, each with one asset of every class. */
export function buildPlant(shape: PlantShape = DEFAULT_PLANT_SHAPE): Plant {
  const lines: Line[] = [];
  for (const site of shape.sites) {
    for (let n = 1; n <= shape.linesPerSite; n++) {
      const line = `line-${n}`;
      const assets = shape.assetClasses.map((assetClass) => makeAsset({ enterprise: shape.enterprise, site, area: shape.area, line, id: `${assetClass}-1`, assetClass }));
      lines.push({ site, area: shape.area, id: line, assets });
    }
  }
  return { enterprise: shape.enterprise, lines, assets: lines.flatMap((line) => line.assets) };
}

/** Groups assets into lines (for plants not built from a shape, e.g. a replayed recording). */
export function plantFromAssets(assets: Asset[]): Plant {
  const lines = new Map<string, Line>();
  for (const asset of assets) {
    const key = `${asset.site}/${asset.area}/${asset.line}`;
    const line = lines.get(key) ?? { site: asset.site, area: asset.area, id: asset.line, assets: [] };
    line.assets.push(asset);
    lines.set(key, line);
  }
  return { enterprise: assets[0]?.enterprise ?? 'acme', lines: [...lines.values()], assets };
}

export function findAsset(plant: Plant, path: string): Asset | undefined {
  return plant.assets.find((asset) => asset.path === path);
}
