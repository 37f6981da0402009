export interface MappedSignal {
  assetPath: string;
  signal: string;
}

export interface BrowseMappingRules {
  /** Names of the levels between the browse root and a signal variable; the last one is the asset. */
  levels: readonly string[];
  /** Asset path with `{level}` placeholders, used when the asset object has no AssetPath property. */
  assetPathTemplate: string;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Placeholders of an asset path template that name no browse level (a config mistake). */
export function unknownPlaceholders(template: string, levels: readonly string[]): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((name) => !levels.includes(name));
}

/**
 * Maps the browse names below the root (`[site, line, asset, signal]` for Objects/berlin/line-1/compressor-1/flow)
 * to asset path and signal. The asset's own AssetPath property wins over the template, since the server
 * knows the ISA-95 path (enterprise and area are not in the browse tree). A variable at another depth is
 * not a signal of this layout and maps to undefined.
 */
export function mapBrowsePath(path: readonly string[], rules: BrowseMappingRules, assetPathProperty?: string): MappedSignal | undefined {
  if (path.length !== rules.levels.length + 1) return undefined;
  const signal = path[path.length - 1];
  if (!signal) return undefined;
  const assetPath = assetPathProperty?.trim()
    ? assetPathProperty.trim()
    : rules.assetPathTemplate.replace(PLACEHOLDER, (_, name: string) => path[rules.levels.indexOf(name)] ?? `{${name}}`);
  return { assetPath, signal };
}
