/**
 * Product keys are ISA-95 paths, enterprise/site/area/line/asset (assetPath), or a rollup scope path
 * (energy's scopePath). The line of a key is its first `lineDepth` levels; a key with fewer levels (a
 * site rollup) or none belongs to no line and counts for the whole product only. A key with a line also
 * counts for its site (siteScopeOf), so that each site of a deployment has its own SLOs.
 */
export const DEFAULT_LINE_DEPTH = 4;

export function lineScopeOf(key: string | null, lineDepth = DEFAULT_LINE_DEPTH): string | undefined {
  if (!key) return undefined;
  const levels = key.split('/');
  if (levels.length < lineDepth || levels.some((level) => level.length === 0)) return undefined;
  return levels.slice(0, lineDepth).join('/');
}

/** Levels of a line path that make its site: enterprise/site. */
export const DEFAULT_SITE_DEPTH = 2;

/**
 * The site of a key: the first `siteDepth` levels of its line. Only keys with a line have a site (a product
 * keyed by asset or line path has a site dimension; one keyed otherwise has none), and only when the site
 * is above the line.
 */
export function siteScopeOf(key: string | null, lineDepth = DEFAULT_LINE_DEPTH, siteDepth = DEFAULT_SITE_DEPTH): string | undefined {
  if (siteDepth >= lineDepth) return undefined;
  return lineScopeOf(key, lineDepth)?.split('/').slice(0, siteDepth).join('/');
}
