/** What a secret's value is replaced by: says that there is one without showing it. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are secrets wherever they sit in a config (a connector's `password`, Kafka's SASL
 * `password`, an HTTP `token`, a private `key`). Where a secret is kept (`passwordFile`, `passwordEnv`,
 * `privateKeyFile`) is not itself one and stays readable: it is what an operator checks first.
 */
const SECRET_KEY = /(password|passphrase|secret|token|credential|apikey|privatekey|^key$|^pin$)/i;
const SECRET_LOCATION = /(File|Env|Path)$/;

/** `scheme://user:password@host`: the password part of a URL's user info. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)[^/@\s]*@/i;

/** Inside a secret-named object (`userToken`, `clientSecret`), what stays readable: its kind and who it names. */
const DESCRIBES_SECRET = /^(type|kind|username|user|mechanism|protocol)$/i;

/**
 * A copy of a configuration with every secret value replaced by `[redacted]`: values under secret-looking
 * keys, every value inside a secret-named object except its kind, user and where its secret is kept, and
 * passwords in URLs' user info. What an operator reads from a gateway's effective configuration, in the
 * console and in the replies topic (the audit trail), never holds a secret.
 */
export function redactSecrets(value: unknown, inSecret = false): unknown {
  if (Array.isArray(value)) return value.map((entry) => redactSecrets(entry, inSecret));
  if (typeof value === 'string') return inSecret ? REDACTED : value.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (typeof value !== 'object' || value === null) return inSecret && value !== null ? REDACTED : value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => {
      if (SECRET_LOCATION.test(key) || (inSecret && DESCRIBES_SECRET.test(key))) return [key, entry];
      const secret = inSecret || SECRET_KEY.test(key);
      return [key, typeof entry === 'object' && entry !== null ? redactSecrets(entry, secret) : secret && entry !== undefined && entry !== null ? REDACTED : redactSecrets(entry)];
    }),
  );
}
