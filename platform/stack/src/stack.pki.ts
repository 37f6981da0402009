import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command.runner';

/** The stack's certificate authority: every TLS listener of the stack and every client certificate chain to it. */
export interface StackCa {
  dir: string;
  certFile: string;
  keyFile: string;
}

export interface IssuedCertificate {
  certFile: string;
  /** PKCS#8, unencrypted, readable by the owner only (Kafka reads PKCS#8 PEM keys, Mosquitto and Node any). */
  keyFile: string;
  /** Key and certificate in one file, as Kafka's PEM keystore wants them. */
  bundleFile: string;
}

export interface CertificateRequest {
  /** The subject's CN: for a client certificate, the principal (Kafka's `User:CN=…`, Mosquitto's username). */
  commonName: string;
  /** Names a server certificate answers to; clients check them (hostname verification). */
  serverNames?: readonly string[];
  /** The certificate may authenticate a client (mTLS) as well as, or instead of, a server. */
  clientAuth?: boolean;
}

/** The stack's PKI folder: created with the stack, kept across service restarts, removed with the stack. */
export function stackPkiDir(stackDir: string): string {
  return join(stackDir, 'pki');
}

function caOf(dir: string): StackCa {
  return { dir, certFile: join(dir, 'ca.pem'), keyFile: join(dir, 'ca.key') };
}

const openssl = (args: string[]) => runCommand('openssl', args, { service: 'pki' });

/** Creates the stack's CA in `dir` unless it exists (RSA 2048, valid 825 days). */
export async function ensureStackCa(dir: string): Promise<StackCa> {
  const ca = caOf(dir);
  if (existsSync(ca.certFile) && existsSync(ca.keyFile)) return ca;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', ca.keyFile]);
  await openssl(['req', '-x509', '-new', '-key', ca.keyFile, '-sha256', '-days', '825', '-subj', '/O=Fieldmesh/CN=Fieldmesh stack CA', '-out', ca.certFile]);
  return ca;
}

/** IP addresses go in the SAN as IP:, names as DNS:; clients verify the host they dialled against them. */
function subjectAltNames(names: readonly string[]): string {
  return names.map((name) => (/^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
}

/** Issues `<name>.pem`, `<name>.key` and `<name>.bundle.pem` signed by the CA; an existing one is reused. */
export async function issueCertificate(ca: StackCa, name: string, request: CertificateRequest): Promise<IssuedCertificate> {
  const issued = { certFile: join(ca.dir, `${name}.pem`), keyFile: join(ca.dir, `${name}.key`), bundleFile: join(ca.dir, `${name}.bundle.pem`) };
  if (existsSync(issued.bundleFile)) return issued;
  const csrFile = join(ca.dir, `${name}.csr`);
  const extFile = join(ca.dir, `${name}.ext`);
  const usages = [...(request.serverNames?.length ? ['serverAuth'] : []), ...(request.clientAuth ? ['clientAuth'] : [])];
  writeFileSync(
    extFile,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usages.join(',')}`,
      ...(request.serverNames?.length ? [`subjectAltName=${subjectAltNames(request.serverNames)}`] : []),
      '',
    ].join('\n'),
  );
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', issued.keyFile]);
  await openssl(['req', '-new', '-key', issued.keyFile, '-subj', `/O=Fieldmesh/CN=${request.commonName.replace(/[\\/]/g, '\\$&')}`, '-out', csrFile]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-days',
    '825',
    '-sha256',
    '-extfile',
    extFile,
    '-out',
    issued.certFile,
  ]);
  writeFileSync(issued.bundleFile, `${readFileSync(issued.keyFile, 'utf8')}${readFileSync(issued.certFile, 'utf8')}`, { mode: 0o600 });
  rmSync(csrFile, { force: true });
  rmSync(extFile, { force: true });
  return issued;
}
