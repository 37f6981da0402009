/**
 * The asset class decides which model scores an asset. Readings do not carry it, so it comes from an
 * explicit map (asset path → class) or, failing that, from the asset id's name before its number, as
 * the plant's naming convention has it (`…/line-1/pump-2` → `pump`).
 */
export function assetClassResolver(explicit: Record<string, string> = {}): (assetPath: string) => string {
  return (assetPath) => {
    const known = explicit[assetPath];
    if (known) return known;
    const assetId = assetPath.slice(assetPath.lastIndexOf('/') + 1);
    return assetId.replace(/[-_]?\d+$/, '');
  };
}
