import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy } from 'node-opcua';

export interface CertificateSummary {
  /** SHA-1 thumbprint, lowercase hex, as node-opcua names PKI files. */
  thumbprint: string;
  /** Subject, e.g. `CN=Fieldmesh Simulator, O=acme`. */
  subject: string;
}

export function describeCertificate(der: Buffer): CertificateSummary {
  const certificate = new X509Certificate(der);
  return {
    thumbprint: certificate.fingerprint.replaceAll(':', '').toLowerCase(),
    subject: certificate.subject.split('\n').join(', '),
  };
}

/**
 * Opens the connector's PKI folder (own certificate and key, trusted/, rejected/), creating it on first
 * start. Unknown peer certificates are rejected, never accepted silently: they land in rejected/ for an
 * operator to inspect and trust.
 */
export async function openCertificateManager(pkiDir: string): Promise<OPCUACertificateManager> {
  const manager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false, name: 'PKI' });
  await manager.initialize();
  return manager;
}

/** The file node-opcua wrote to rejected/ for this thumbprint, if any. */
export async function findRejectedFile(pkiDir: string, thumbprint: string): Promise<string | undefined> {
  const rejectedDir = join(pkiDir, 'rejected');
  const names = await readdir(rejectedDir).catch(() => [] as string[]);
  const name = names.find((n) => n.toLowerCase().includes(`[${thumbprint}]`));
  return name ? join(rejectedDir, name) : undefined;
}

export interface DiscoveryOptions {
  endpointUrl: string;
  certificateManager: OPCUACertificateManager;
  applicationName: string;
  applicationUri: string;
  /** The client certificate for this application URI; generated on first use. */
  certificateFile: string;
  timeoutMs: number;
}

/**
 * Asks the server for its endpoints over an unsecured discovery channel (GetEndpoints is always allowed
 * without security) and returns the certificate it presents. Reading it does not trust it.
 */
export async function fetchServerCertificate(options: DiscoveryOptions): Promise<Buffer | undefined> {
  const client = OPCUAClient.create({
    applicationName: options.applicationName,
    applicationUri: options.applicationUri,
    clientCertificateManager: options.certificateManager,
    certificateFile: options.certificateFile,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: options.timeoutMs,
    defaultTransactionTimeout: options.timeoutMs,
  });
  try {
    await client.connect(options.endpointUrl);
    const endpoints = await client.getEndpoints();
    const withCertificate = endpoints.find((e) => e.serverCertificate && e.serverCertificate.length > 0);
    return withCertificate?.serverCertificate ?? undefined;
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

export interface TrustServerOptions {
  endpointUrl: string;
  /** The connector's PKI folder (`pkiDir` in its config, or `<stateDir>/pki`). */
  pkiDir: string;
  /**
   * The SHA-1 thumbprint the operator checked out of band (the refusal message names it, the server's
   * administrator confirms it): only a certificate with exactly this thumbprint is trusted, so a server
   * that answers first is never trusted on first use.
   */
  expectedThumbprint: string;
  timeoutMs?: number;
}

/** Thumbprints as people paste them: any case, with or without colons or spaces. */
export function normaliseThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[:\s]/g, '').toLowerCase();
}

function checkThumbprint(thumbprint: string | undefined): void {
  if (!thumbprint || !/^[0-9a-f]{40}$/.test(normaliseThumbprint(thumbprint))) {
    throw new Error(
      `a SHA-1 thumbprint (40 hex digits) is required to trust a certificate, got '${thumbprint ?? ''}'; take it from the refusal message and confirm it with the server's administrator (no trust on first use).`,
    );
  }
}

/**
 * Adds the certificate the server at `endpointUrl` presents to the connector's trust list (moving it out
 * of rejected/ when it was refused before), only when it has the expected thumbprint. The operator's
 * explicit step that replaces auto-accept.
 */
export async function trustServerCertificate(options: TrustServerOptions): Promise<CertificateSummary> {
  checkThumbprint(options.expectedThumbprint);
  const manager = await openCertificateManager(options.pkiDir);
  try {
    const der = await fetchServerCertificate({
      endpointUrl: options.endpointUrl,
      certificateManager: manager,
      applicationName: 'Fieldmesh trust tool',
      applicationUri: 'urn:fieldmesh:opcua:trust-tool',
      // Its own certificate file: the connector's client certificate carries the connector's application URI.
      certificateFile: join(options.pkiDir, 'own/certs/trust_tool_certificate.pem'),
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    if (!der) throw new Error(`${options.endpointUrl} presents no certificate in its endpoints; nothing to trust.`);
    const summary = describeCertificate(der);
    if (normaliseThumbprint(options.expectedThumbprint) !== summary.thumbprint) {
      throw new Error(
        `${options.endpointUrl} presents certificate ${summary.thumbprint} (${summary.subject}), not the expected ${options.expectedThumbprint}; refusing to trust it. Check that you reach the right server.`,
      );
    }
    await manager.trustCertificate(der);
    return summary;
  } finally {
    await manager.dispose();
  }
}

/** A certificate an operator holds as a file (PEM or DER), trusted in a PKI folder only when it has the expected thumbprint. */
export async function trustCertificateFile(options: { pkiDir: string; certificateFile: string; expectedThumbprint: string }): Promise<CertificateSummary> {
  checkThumbprint(options.expectedThumbprint);
  const text = await readFile(options.certificateFile);
  const pem = text.toString('latin1');
  const der = pem.includes('-----BEGIN CERTIFICATE-----') ? Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64') : text;
  const summary = describeCertificate(der);
  if (normaliseThumbprint(options.expectedThumbprint) !== summary.thumbprint) {
    throw new Error(
      `${options.certificateFile} holds certificate ${summary.thumbprint} (${summary.subject}), not the expected ${options.expectedThumbprint}; refusing to trust it.`,
    );
  }
  const manager = await openCertificateManager(options.pkiDir);
  try {
    await manager.trustCertificate(der);
    return summary;
  } finally {
    await manager.dispose();
  }
}

export interface ClientCertificate extends CertificateSummary {
  /** PEM file of the certificate, which the server's operator adds to the server's trust list. */
  certificateFile: string;
}

/**
 * The connector's own application instance certificate, created in `<pkiDir>/own` as the connector would
 * on its first connect (same file, same application URI). Lets a deployment hand it to the server's
 * trust list before the first connection instead of fishing it out of the server's rejected folder.
 */
export async function ensureClientCertificate(options: { pkiDir: string; applicationUri: string; applicationName?: string }): Promise<ClientCertificate> {
  const certificateFile = join(options.pkiDir, 'own/certs/client_certificate.pem');
  const manager = await openCertificateManager(options.pkiDir);
  try {
    if (!existsSync(certificateFile)) {
      await manager.createSelfSignedCertificate({
        applicationUri: options.applicationUri,
        dns: [hostname()],
        outputFile: certificateFile,
        subject: `/CN=${options.applicationName ?? 'Fieldmesh gateway'}`,
        startDate: new Date(),
        validity: 365 * 2,
      });
    }
  } finally {
    await manager.dispose();
  }
  const pem = await readFile(certificateFile, 'utf8');
  return { certificateFile, ...describeCertificate(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64')) };
}
