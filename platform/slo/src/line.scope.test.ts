import { describe, expect, it } from 'vitest';
import { lineScopeOf, siteScopeOf } from './line.scope';

describe('lineScopeOf', () => {
  it('takes enterprise/site/area/line from an asset path', () => {
    expect(lineScopeOf('acme/berlin/press-shop/line-1/pump-1')).toBe('acme/berlin/press-shop/line-1');
  });

  it('gives a line rollup key its own line and a site rollup no line', () => {
    expect(lineScopeOf('acme/berlin/press-shop/line-1')).toBe('acme/berlin/press-shop/line-1');
    expect(lineScopeOf('acme/berlin')).toBeUndefined();
  });

  it('gives no line to a missing key or one with empty levels', () => {
    expect(lineScopeOf(null)).toBeUndefined();
    expect(lineScopeOf('')).toBeUndefined();
    expect(lineScopeOf('acme//press-shop/line-1/pump-1')).toBeUndefined();
  });

  it('follows a plant whose lines sit at another depth', () => {
    expect(lineScopeOf('berlin/line-1/pump-1', 2)).toBe('berlin/line-1');
  });
});

describe('siteScopeOf', () => {
  it('takes enterprise/site from a key that has a line, and no site from one without', () => {
    expect(siteScopeOf('acme/hamburg/press-shop/line-1/pump-1')).toBe('acme/hamburg');
    expect(siteScopeOf('acme/hamburg/press-shop/line-1')).toBe('acme/hamburg');
    expect(siteScopeOf('acme/hamburg')).toBeUndefined();
    expect(siteScopeOf('energy/meter-1')).toBeUndefined();
    expect(siteScopeOf(null)).toBeUndefined();
  });

  it('has no site where the line is no deeper than the site', () => {
    expect(siteScopeOf('berlin/line-1/pump-1', 2)).toBeUndefined();
  });
});
