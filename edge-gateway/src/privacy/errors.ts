/** The pseudonymisation key is too short to keep pseudonyms unguessable (an empty key after a power cut makes them all reversible). */
export class PseudonymisationKeyTooShort extends Error {
  override readonly name = 'PseudonymisationKeyTooShort';

  constructor(
    readonly bytes: number,
    readonly minBytes: number,
    /** The key file, when the key came from one. */
    readonly file?: string,
  ) {
    super(
      file === undefined
        ? `The pseudonymisation key has ${bytes} bytes; at least ${minBytes} random bytes are needed, or a badge list can be hashed to recover every pseudonym.`
        : `The pseudonymisation key ${file} has ${bytes} bytes; at least ${minBytes} random bytes are needed, or a badge list can be hashed to recover every pseudonym. ` +
            `The file is truncated or was replaced by hand: restore it from the site's key backup. Only if this site has never sent pseudonyms, delete it and the gateway creates a new key.`,
    );
  }
}

/** The key file can be read by other users of the host, so the pseudonyms are only as private as the host's least-trusted account. */
export class PseudonymisationKeyExposed extends Error {
  override readonly name = 'PseudonymisationKeyExposed';

  constructor(
    readonly file: string,
    /** The file's permission bits, e.g. 0o644. */
    readonly mode: number,
  ) {
    super(
      `The pseudonymisation key ${file} has mode ${formatMode(mode)}: group or other users can read or change it, and anyone holding it can reverse every pseudonym. ` +
        `Run 'chmod 600 ${file}' (owner read/write only) and start the gateway again; if other accounts may have read it, rotate the key.`,
    );
  }
}

function formatMode(mode: number): string {
  return '0' + (mode & 0o777).toString(8).padStart(3, '0');
}
