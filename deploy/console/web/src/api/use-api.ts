import { useCallback, useEffect, useState } from 'react';
import { get } from './api.client';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
  /** Replace the data with a fresher copy (e.g. the answer of a POST). */
  set: (data: T) => void;
}

/** GETs `path` (null = nothing to load yet) and again whenever it changes; keeps the previous data while loading. */
export function useApi<T>(path: string | null, refreshMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    get<T>(path)
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(undefined);
      })
      .catch((cause: unknown) => current && setError(cause instanceof Error ? cause : new Error(String(cause))))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, reload]);

  return { data, error, loading, reload, set: setData };
}
