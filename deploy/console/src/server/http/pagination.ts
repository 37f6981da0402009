import type { Page } from '../../api/types';
import { RequestInvalid } from '../errors';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest {
  page: number;
  pageSize: number;
  /** Lower-cased search terms; an item matches when it contains every term. */
  terms: string[];
}

function positiveInt(field: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RequestInvalid(field, `must be a whole number from 1 to ${max}, got '${raw}'`);
  return value;
}

/** `?page=&pageSize=&search=` of every list endpoint, validated (400 naming the field). */
export function pageRequest(query: { page?: string | undefined; pageSize?: string | undefined; search?: string | undefined }): PageRequest {
  return {
    page: positiveInt('page', query.page, 1, Number.MAX_SAFE_INTEGER),
    pageSize: positiveInt('pageSize', query.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
    terms: (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean),
  };
}

/** True when every search term occurs in one of the texts (case-insensitive); no terms match everything. */
export function matchesSearch(terms: readonly string[], texts: ReadonlyArray<string | null | undefined>): boolean {
  if (terms.length === 0) return true;
  const haystack = texts.filter(Boolean).join('\n').toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** The requested page of items already searched, filtered and sorted. A page past the end is empty. */
export function paginate<T>(items: readonly T[], request: Pick<PageRequest, 'page' | 'pageSize'>): Page<T> {
  const start = (request.page - 1) * request.pageSize;
  return {
    items: items.slice(start, start + request.pageSize),
    total: items.length,
    page: request.page,
    pageSize: request.pageSize,
    pageCount: Math.max(1, Math.ceil(items.length / request.pageSize)),
  };
}

/** A comma-separated filter (`?status=OPENED,ACKNOWLEDGED`), checked against the allowed values. */
export function listFilter<T extends string>(field: string, raw: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const values = raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const wrong = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (wrong.length > 0) throw new RequestInvalid(field, `has unknown value(s) ${wrong.join(', ')}; use ${allowed.join(', ')}`);
  return values as T[];
}
