/** The CA folder has no CA yet: every command but `init` needs one. */
export class CaNotInitialised extends Error {
  override readonly name = 'CaNotInitialised';

  constructor(
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(`No site CA in ${dir}: its ca.crt.pem, ca.key.pem or index.json is missing. Run 'ca init --dir ${dir} --site <site>' first, or point --dir at the existing CA.`, options);
  }
}

/** `init` would overwrite a CA whose certificates are in use. */
export class CaAlreadyInitialised extends Error {
  override readonly name = 'CaAlreadyInitialised';

  constructor(readonly dir: string) {
    super(`${dir} already holds a site CA; a second init would orphan every certificate it issued. Use another --dir for a new CA.`);
  }
}

/** index.json does not parse or does not match its schema. */
export class CaIndexCorrupt extends Error {
  override readonly name = 'CaIndexCorrupt';

  constructor(
    readonly file: string,
    readonly problems: string,
    options?: { cause?: unknown },
  ) {
    super(`The CA index ${file} is unreadable (${problems}). Restore it from a backup; the issued certificates are also kept in certs/.`, options);
  }
}

/** Another CA command holds the folder's lock: two writers would lose an issue or a revocation. */
export class CaBusy extends Error {
  override readonly name = 'CaBusy';

  constructor(readonly lockFile: string) {
    super(`Another CA command is working in this folder (${lockFile} exists). Wait for it; if none is running, remove the lock file.`);
  }
}

/** A device, gateway or broker id that is unusable as a certificate CN and MQTT username. */
export class InvalidIdentity extends Error {
  override readonly name = 'InvalidIdentity';

  constructor(
    readonly id: string,
    readonly reason: string,
  ) {
    super(`'${id}' cannot be an identity: ${reason}. Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
  }
}

/** The CSR does not parse, or its signature does not prove possession of the key. */
export class CsrInvalid extends Error {
  override readonly name = 'CsrInvalid';

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The certificate signing request was refused: ${reason}. Have the device create a new key and CSR (PEM, 'CERTIFICATE REQUEST').`, options);
  }
}

/** An id already belongs to a valid certificate of another type; sharing it would share its MQTT rights. */
export class IdentityTypeConflict extends Error {
  override readonly name = 'IdentityTypeConflict';

  constructor(
    readonly id: string,
    readonly requested: string,
    readonly existing: string,
    readonly serial: string,
  ) {
    super(
      `'${id}' is already a ${existing} (certificate ${serial}); issuing it as a ${requested} would give both the same MQTT username. Choose another id or revoke ${serial} first.`,
    );
  }
}

/** The requested validity is empty or outlives the CA. */
export class InvalidValidity extends Error {
  override readonly name = 'InvalidValidity';

  constructor(
    readonly notBefore: Date,
    readonly notAfter: Date,
    readonly reason: string,
  ) {
    super(`Validity ${notBefore.toISOString()} .. ${notAfter.toISOString()} refused: ${reason}.`);
  }
}

/** No issued certificate has that serial. */
export class CertificateNotFound extends Error {
  override readonly name = 'CertificateNotFound';

  constructor(readonly serial: string) {
    super(`This CA issued no certificate with serial ${serial}. 'ca list' shows the serials it issued.`);
  }
}

/** The certificate is revoked already; its first revocation stands. */
export class AlreadyRevoked extends Error {
  override readonly name = 'AlreadyRevoked';

  constructor(
    readonly serial: string,
    readonly revokedAt: string,
  ) {
    super(`Certificate ${serial} was already revoked at ${revokedAt}; nothing changed. Run 'ca crl' if the broker's CRL lacks it.`);
  }
}

/** The broker could not be told to reload its CRL and ACL. */
export class BrokerReloadFailed extends Error {
  override readonly name = 'BrokerReloadFailed';

  constructor(
    readonly target: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Could not make Mosquitto (${target}) reload: ${reason}. The CRL is written; reload the broker by hand ('systemctl reload mosquitto' or 'kill -HUP <pid>') or the revocation waits for its next restart.`,
      options,
    );
  }
}

/** A serial number that is not hexadecimal. */
export class InvalidSerial extends Error {
  override readonly name = 'InvalidSerial';

  constructor(readonly serial: string) {
    super(`'${serial}' is not a serial number: give it in hexadecimal as 'ca list' or 'openssl x509 -serial' print it.`);
  }
}

/** A broker certificate without subject alternative names: clients verify the host name against them. */
export class MissingSubjectAltName extends Error {
  override readonly name = 'MissingSubjectAltName';

  constructor(readonly id: string) {
    super(`The broker certificate for '${id}' needs the names clients connect to: add --san dns:<host> and/or --san ip:<address>.`);
  }
}
