/**
 * Scopes of an ISA-95 asset path (enterprise/site/area/line/asset): the site is its first two levels,
 * the line everything above the asset. Paths are the ids, so rollups need no asset registry.
 */
export function siteOf(assetPath: string): string {
  return assetPath.split('/').slice(0, 2).join('/');
}

export function lineOf(assetPath: string): string {
  return assetPath.slice(0, Math.max(assetPath.lastIndexOf('/'), 0));
}
