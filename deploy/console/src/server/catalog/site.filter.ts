import { WHOLE_PRODUCT } from '@fieldmesh/slo';

/**
 * The site of an ISA-95 path (enterprise/site/…): its second level, e.g. `hamburg` for
 * `acme/hamburg/press-shop/line-1/pump-1`. The console's site filters (`site=`) take this name.
 */
export function siteOfPath(path: string): string | undefined {
  const levels = path.split('/');
  return levels.length >= 2 && levels[1] ? levels[1] : undefined;
}

/** The site of an SLO scope: a site (`acme/hamburg`) or line path has one, the whole product (`*`) none. */
export function siteOfScope(scope: string): string | undefined {
  return scope === WHOLE_PRODUCT ? undefined : siteOfPath(scope);
}
