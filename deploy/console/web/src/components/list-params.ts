import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A list page's search, filters and page, kept in the URL so a filtered view can be linked and survives a
 * reload. Changing any filter goes back to page 1.
 */
export function useListParams<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as Record<K, string>;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);

  const setFilter = useCallback(
    (key: K, value: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(key, value);
          else next.delete(key);
          next.delete('page');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const setPage = useCallback(
    (value: number) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (value > 1) next.set('page', String(value));
        else next.delete('page');
        return next;
      }),
    [setParams],
  );
  return { values, page, setFilter, setPage };
}

/** A filter whose page opens on a default view: '' (nothing in the URL) asks for `fallback`, `all` for no filter. */
export function filterOrDefault(value: string, fallback: string): string {
  return value === '' ? fallback : value === 'all' ? '' : value;
}
