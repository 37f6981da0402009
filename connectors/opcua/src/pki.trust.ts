import { X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
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
  /** Only trust when the server presents this thumbprint (e.g. the one in the refusal message). */
  expectedThumbprint?: string;
  timeoutMs?: number;
}

/**
 * Adds the certificate the server at `endpointUrl` presents to the connector's trust list (moving it out
 * of rejected/ when it was refused before). The operator's explicit step that replaces auto-accept.
 */
export async function trustServerCertificate(options: TrustServerOptions): Promise<CertificateSummary> {
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
    if (options.expectedThumbprint && options.expectedThumbprint.toLowerCase() !== summary.thumbprint) {
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
