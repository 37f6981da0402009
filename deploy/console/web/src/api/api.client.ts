import type { ApiError } from '../../../src/api/types';

const TOKEN_KEY = 'fieldmesh.console.token';

/** The token lives in sessionStorage: it goes with the tab, never to disk. */
export const tokenStorage = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** An API answer other than 2xx, carrying the server's message (which says what to do). */
export class ApiRequestFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number | undefined,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiRequestFailed';
  }
}

type Unauthorised = () => void;
let onUnauthorised: Unauthorised = () => undefined;
/** The session registers how to go back to the login page when the token stops working. */
export function whenUnauthorised(handler: Unauthorised): void {
  onUnauthorised = handler;
}

export async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, token = tokenStorage.get()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    const parsed = parseJson(text) as Partial<ApiError> | undefined;
    const message = parsed?.message ?? (text || response.statusText);
    if (response.status === 401) onUnauthorised();
    throw new ApiRequestFailed(Array.isArray(message) ? message.join('\n') : String(message), response.status, parsed?.error_code, path);
  }
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? parseJson(text) : text) as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `?a=1&b=x` from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown): Promise<T> => request<T>('POST', path, body ?? {});
