/**
 * Product keys are ISA-95 paths, enterprise/site/area/line/asset (assetPath), or a rollup scope path
 * (energy's scopePath). The line of a key is its first `lineDepth` levels; a key with fewer levels (a
 * site rollup) or none belongs to no line and counts for the whole product only.
 */
export const DEFAULT_LINE_DEPTH = 4;

export function lineScopeOf(key: string | null, lineDepth = DEFAULT_LINE_DEPTH): string | undefined {
  if (!key) return undefined;
  const levels = key.split('/');
  if (levels.length < lineDepth || levels.some((level) => level.length === 0)) return undefined;
  return levels.slice(0, lineDepth).join('/');
}
