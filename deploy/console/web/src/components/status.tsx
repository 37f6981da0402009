import type { ReactNode } from 'react';
import type { Loaded } from '../api/use-api';

/** Shows the error of a load, a loading line before the first answer, else the content. */
export function LoadState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  return (
    <>
      {loaded.error && <ErrorBanner error={loaded.error} />}
      {loaded.data === undefined ? !loaded.error && <div className="loading">Loading…</div> : children(loaded.data)}
    </>
  );
}

export function ErrorBanner({ error }: { error: Error | string }) {
  return (
    <div className="error" role="alert" data-testid="error">
      {typeof error === 'string' ? error : error.message}
    </div>
  );
}
