import { createHash, type webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  Pkcs10CertificateRequest,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509CrlGenerator,
  X509CrlReason,
} from './x509';
import { SIGNING_ALGORITHM, generateKeyPair, importSigningKey, privateKeyPem } from './ca.keys';
import {
  caFiles,
  certificateFile,
  isInitialised,
  prepareFolder,
  readIndex,
  withLock,
  writeAtomically,
  writeIndex,
  type CaIndex,
  type IssuedRecord,
  type RevocationReason,
} from './ca.store';
import { AlreadyRevoked, CaAlreadyInitialised, CaNotInitialised, CertificateNotFound, CsrInvalid, IdentityTypeConflict, InvalidValidity, MissingSubjectAltName } from './errors';
import { checkIdentity, subjectFor, type CertificateType } from './identity';
import { mosquittoAcl, type MosquittoAclOptions } from './mosquitto.acl';
import { newSerial, normaliseSerial } from './serial';

const DAY_MS = 86_400_000;
// Devices with a slightly slow clock would otherwise refuse a certificate issued a moment ago.
const CLOCK_SKEW_MS = 5 * 60_000;
const CRL_NUMBER_OID = '2.5.29.20';
const EXTENDED_KEY_USAGE: Record<CertificateType, ExtendedKeyUsage> = {
  device: ExtendedKeyUsage.clientAuth,
  gateway: ExtendedKeyUsage.clientAuth,
  broker: ExtendedKeyUsage.serverAuth,
  operator: ExtendedKeyUsage.codeSigning,
};

export interface InitOptions {
  /** The site's name, put into every subject as O (same alphabet as ids). */
  site: string;
  /** Validity of the CA certificate itself. */
  days?: number;
  /** Validity of each CRL written; the broker refuses every client once its CRL is older than this. */
  crlValidityDays?: number;
}

export interface SubjectAltName {
  type: 'dns' | 'ip';
  value: string;
}

export interface IssueRequest {
  csrPem: string;
  type: CertificateType;
  /** The CN; taken from the CSR's CN when omitted. */
  id?: string;
  /** Validity from now (default 365 days); ignored when notAfter is given. */
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Names clients verify the broker by; required for type broker. */
  subjectAltNames?: readonly SubjectAltName[];
}

export interface IssuedCertificate {
  record: IssuedRecord;
  pem: string;
}

export type CertificateStatus = 'valid' | 'revoked' | 'expired' | 'not yet valid';

export interface CertificateListing extends IssuedRecord {
  status: CertificateStatus;
}

export type RevokeTarget = { serial: string } | { certificatePem: string };

function statusOf(record: IssuedRecord, now: Date): CertificateStatus {
  if (record.revocation) return 'revoked';
  if (Date.parse(record.notAfter) < now.getTime()) return 'expired';
  if (Date.parse(record.notBefore) > now.getTime()) return 'not yet valid';
  return 'valid';
}

/** DER INTEGER for the CRL number extension (small, non-negative). */
function derInteger(value: number): Uint8Array {
  const hex = value.toString(16);
  const bytes = [...Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex')];
  // A set top bit would make the INTEGER negative.
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

function parseCsr(pem: string): Pkcs10CertificateRequest {
  try {
    return new Pkcs10CertificateRequest(pem);
  } catch (error) {
    throw new CsrInvalid(`it is not a PKCS#10 request (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

function keyUsageFor(publicKeyAlgorithm: string): KeyUsageFlags {
  // RSA keys also encipher the TLS 1.2 pre-master secret in RSA key exchange; EC keys only sign.
  return KeyUsageFlags.digitalSignature | (publicKeyAlgorithm.startsWith('RSA') ? KeyUsageFlags.keyEncipherment : 0);
}

/**
 * A site's certificate authority for device onboarding. Its whole state is one folder (see caFiles): the
 * CA key and certificate, index.json listing every certificate issued and its revocation, the issued
 * certificates, the current CRL and the Mosquitto ACL derived from the index.
 */
export class SiteCa {
  private constructor(
    readonly dir: string,
    readonly certificate: X509Certificate,
    private readonly signingKey: webcrypto.CryptoKey,
  ) {}

  static async init(dir: string, options: InitOptions): Promise<SiteCa> {
    const site = checkIdentity(options.site);
    if (isInitialised(dir)) throw new CaAlreadyInitialised(dir);
    prepareFolder(dir);
    return withLock(dir, async () => {
      const keys = await generateKeyPair();
      const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
      const certificate = await X509CertificateGenerator.createSelfSigned({
        serialNumber: newSerial(),
        name: `CN=Fieldmesh site CA ${site}, O=${site}`,
        notBefore,
        notAfter: new Date(notBefore.getTime() + (options.days ?? 3650) * DAY_MS),
        keys,
        signingAlgorithm: SIGNING_ALGORITHM,
        extensions: [
          // pathLength 0: this CA signs devices, gateways and the broker, never another CA.
          new BasicConstraintsExtension(true, 0, true),
          new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
          await SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const files = caFiles(dir);
      writeAtomically(files.key, await privateKeyPem(keys.privateKey), 0o600);
      writeAtomically(files.certificate, certificate.toString('pem'));
      const index: CaIndex = { version: 1, site, crlValidityDays: options.crlValidityDays ?? 30, crlNumber: 0, certificates: [] };
      const ca = new SiteCa(dir, certificate, keys.privateKey);
      // The broker refuses every client while its crlfile is missing, so there is a CRL from the start.
      await ca.publishCrl(index);
      return ca;
    });
  }

  static async open(dir: string): Promise<SiteCa> {
    const files = caFiles(dir);
    let certificatePem: string;
    let keyPem: string;
    try {
      certificatePem = readFileSync(files.certificate, 'utf8');
      keyPem = readFileSync(files.key, 'utf8');
    } catch (error) {
      throw new CaNotInitialised(dir, { cause: error });
    }
    readIndex(dir);
    return new SiteCa(dir, new X509Certificate(certificatePem), await importSigningKey(keyPem));
  }

  get files() {
    return caFiles(this.dir);
  }

  get site(): string {
    return readIndex(this.dir).site;
  }

  /** Signs a CSR whose signature proves the requester holds the key; the subject is ours, not the CSR's. */
  async issue(request: IssueRequest): Promise<IssuedCertificate> {
    const csr = parseCsr(request.csrPem);
    if (!(await csr.verify())) throw new CsrInvalid('its signature does not match its public key');
    const id = checkIdentity(request.id ?? csr.subjectName.getField('CN')[0] ?? '');
    const names = request.subjectAltNames ?? [];
    if (request.type === 'broker' && names.length === 0) throw new MissingSubjectAltName(id);

    const notBefore = request.notBefore ?? new Date(Date.now() - CLOCK_SKEW_MS);
    const notAfter = request.notAfter ?? new Date(Date.now() + (request.days ?? 365) * DAY_MS);
    if (notAfter <= notBefore) throw new InvalidValidity(notBefore, notAfter, 'it ends before it begins');
    if (notAfter > this.certificate.notAfter)
      throw new InvalidValidity(notBefore, notAfter, `it outlives the CA certificate (valid until ${this.certificate.notAfter.toISOString()})`);

    return withLock(this.dir, async () => {
      const index = readIndex(this.dir);
      const now = new Date();
      const clash = index.certificates.find((other) => other.id === id && other.type !== request.type && ['valid', 'not yet valid'].includes(statusOf(other, now)));
      if (clash) throw new IdentityTypeConflict(id, request.type, clash.type, clash.serial);

      const serial = newSerial();
      const subject = subjectFor(request.type, id, index.site);
      const certificate = await X509CertificateGenerator.create({
        serialNumber: serial,
        subject,
        issuer: this.certificate.subjectName,
        notBefore,
        notAfter,
        publicKey: csr.publicKey,
        signingKey: this.signingKey,
        signingAlgorithm: SIGNING_ALGORITHM,
        extensions: [
          new BasicConstraintsExtension(false, undefined, true),
          new KeyUsagesExtension(keyUsageFor(csr.publicKey.algorithm.name), true),
          new ExtendedKeyUsageExtension([EXTENDED_KEY_USAGE[request.type]]),
          await SubjectKeyIdentifierExtension.create(csr.publicKey),
          await AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
          ...(names.length > 0 ? [new SubjectAlternativeNameExtension(names.map((name) => ({ type: name.type, value: name.value })))] : []),
        ],
      });
      const pem = certificate.toString('pem');
      const record: IssuedRecord = {
        serial: normaliseSerial(certificate.serialNumber),
        type: request.type,
        id,
        subject,
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
        issuedAt: now.toISOString(),
        sha256: createHash('sha256').update(Buffer.from(certificate.rawData)).digest('hex'),
      };
      writeFileSync(certificateFile(this.dir, record.serial), pem);
      writeIndex(this.dir, { ...index, certificates: [...index.certificates, record] });
      return { record, pem };
    });
  }

  /**
   * Marks the certificate revoked and writes the new CRL. The broker refuses the device from its next
   * connection on once it has re-read the CRL (SIGHUP, see reloadBroker); open connections stay open.
   */
  async revoke(target: RevokeTarget, reason: RevocationReason = 'unspecified'): Promise<IssuedRecord> {
    const serial = 'serial' in target ? normaliseSerial(target.serial) : normaliseSerial(new X509Certificate(target.certificatePem).serialNumber);
    return withLock(this.dir, async () => {
      const index = readIndex(this.dir);
      const record = index.certificates.find((candidate) => candidate.serial === serial);
      if (!record) throw new CertificateNotFound(serial);
      if (record.revocation) throw new AlreadyRevoked(serial, record.revocation.at);
      const revoked: IssuedRecord = { ...record, revocation: { at: new Date().toISOString(), reason } };
      const updated = { ...index, certificates: index.certificates.map((candidate) => (candidate === record ? revoked : candidate)) };
      // The index first: it is the truth, and a CRL lost to a crash here is rebuilt by `crl`.
      writeIndex(this.dir, updated);
      await this.publishCrl(updated);
      return revoked;
    });
  }

  /** Writes a fresh CRL (new number, validity from now). Run it well within crlValidityDays, e.g. daily. */
  async writeCrl(): Promise<string> {
    return withLock(this.dir, async () => {
      await this.publishCrl(readIndex(this.dir));
      return this.files.crl;
    });
  }

  /** The Mosquitto ACL for the current gateways (see mosquittoAcl), written to the CA folder. */
  writeAcl(options: MosquittoAclOptions = {}): string {
    writeAtomically(
      this.files.acl,
      mosquittoAcl(
        this.list().filter((entry) => entry.status === 'valid'),
        options,
      ),
    );
    return this.files.acl;
  }

  list(now = new Date()): CertificateListing[] {
    return readIndex(this.dir).certificates.map((record) => ({ ...record, status: statusOf(record, now) }));
  }

  /** Call holding the lock. */
  private async publishCrl(index: CaIndex): Promise<void> {
    const thisUpdate = new Date();
    const crlNumber = index.crlNumber + 1;
    const crl = await X509CrlGenerator.create({
      issuer: this.certificate.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + index.crlValidityDays * DAY_MS),
      signingKey: this.signingKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [await AuthorityKeyIdentifierExtension.create(this.certificate.publicKey), new Extension(CRL_NUMBER_OID, false, derInteger(crlNumber))],
      entries: index.certificates.flatMap((record) =>
        record.revocation ? [{ serialNumber: record.serial, revocationDate: new Date(record.revocation.at), reason: X509CrlReason[record.revocation.reason] }] : [],
      ),
    });
    // OpenSSL (so Mosquitto) reads only the 'X509 CRL' PEM label; the library writes 'CRL'.
    writeAtomically(this.files.crl, PemConverter.encode(crl.rawData, 'X509 CRL'));
    writeIndex(this.dir, { ...index, crlNumber });
  }
}
