/** The names `--sites n` takes the first n of: each site is its own plant, asset paths acme/<site>/…. */
export const PLANT_SITE_NAMES = ['berlin', 'hamburg', 'lyon'] as const;

/** The simulated plant's sites by default: one. */
export const PLANT_SITES: readonly string[] = PLANT_SITE_NAMES.slice(0, 1);

/** The first `count` of PLANT_SITE_NAMES (1 to their number). */
export function plantSites(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > PLANT_SITE_NAMES.length) throw new RangeError(`sites: must be 1 to ${PLANT_SITE_NAMES.length}, got ${count}`);
  return PLANT_SITE_NAMES.slice(0, count);
}

/** A site's gateway id: it names the site in records (gatewayId), logs and lineage (job edge-gateway.gw-<site>-1). */
export function siteGatewayId(site: string): string {
  return `gw-${site}-1`;
}
