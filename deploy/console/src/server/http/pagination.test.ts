import { describe, expect, it } from 'vitest';
import { RequestInvalid } from '../errors';
import { listFilter, matchesSearch, pageRequest, paginate } from './pagination';

describe('pagination', () => {
  const items = Array.from({ length: 53 }, (_, i) => i);

  it('defaults to the first page of 25', () => {
    const page = paginate(items, pageRequest({}));
    expect(page).toMatchObject({ page: 1, pageSize: 25, total: 53, pageCount: 3 });
    expect(page.items).toEqual(items.slice(0, 25));
  });

  it('answers the last partial page and an empty page past the end', () => {
    expect(paginate(items, pageRequest({ page: '3', pageSize: '25' })).items).toEqual([50, 51, 52]);
    expect(paginate(items, pageRequest({ page: '9' })).items).toEqual([]);
  });

  it('counts one page for an empty list', () => {
    expect(paginate([], pageRequest({})).pageCount).toBe(1);
  });

  it('refuses a bad page or page size naming the field', () => {
    expect(() => pageRequest({ page: '0' })).toThrow(RequestInvalid);
    expect(() => pageRequest({ pageSize: '500' })).toThrow(/pageSize/);
    expect(() => pageRequest({ page: 'two' })).toThrow(/'page'/);
  });

  it('matches every search term in any text, ignoring case', () => {
    const { terms } = pageRequest({ search: 'Pump  line-1' });
    expect(matchesSearch(terms, ['acme/line-1/pump-3', null])).toBe(true);
    expect(matchesSearch(terms, ['acme/line-2/pump-3'])).toBe(false);
    expect(matchesSearch([], ['anything'])).toBe(true);
  });

  it('parses comma-separated filters and refuses unknown values', () => {
    expect(listFilter('status', 'OPENED, CLOSED', ['OPENED', 'CLOSED'] as const)).toEqual(['OPENED', 'CLOSED']);
    expect(listFilter('status', undefined, ['OPENED'] as const)).toBeUndefined();
    expect(() => listFilter('status', 'NOPE', ['OPENED'] as const)).toThrow(/status.*NOPE/);
  });
});
