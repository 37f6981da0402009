import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureStackCa, issueCertificate } from './stack.pki';

describe('the stack PKI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fieldmesh-pki-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('issues a server certificate for 127.0.0.1 and a client certificate, both chaining to the stack CA', async () => {
    const ca = await ensureStackCa(join(dir, 'pki'));
    const server = await issueCertificate(ca, 'broker', { commonName: 'fieldmesh-kafka-broker', serverNames: ['127.0.0.1', 'localhost'], clientAuth: true });
    const client = await issueCertificate(ca, 'device-1', { commonName: 'berlin/line-1/pump-1', clientAuth: true });
    const caCert = new X509Certificate(readFileSync(ca.certFile));
    const serverCert = new X509Certificate(readFileSync(server.certFile));
    const clientCert = new X509Certificate(readFileSync(client.certFile));

    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(clientCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(serverCert.checkHost('localhost')).toBe('localhost');
    expect(clientCert.checkIP('127.0.0.1')).toBeUndefined();
    expect(clientCert.subject).toContain('CN=berlin/line-1/pump-1');
    expect(readFileSync(server.bundleFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    expect(statSync(server.bundleFile).mode & 0o077).toBe(0);
  });

  it('keeps the CA and a certificate already issued, so restarts of a service keep trusting each other', async () => {
    const ca = await ensureStackCa(join(dir, 'pki'));
    const before = readFileSync(ca.certFile, 'utf8');
    const first = readFileSync((await issueCertificate(ca, 'broker', { commonName: 'x', serverNames: ['127.0.0.1'] })).certFile, 'utf8');
    expect(readFileSync((await ensureStackCa(join(dir, 'pki'))).certFile, 'utf8')).toBe(before);
    expect(readFileSync((await issueCertificate(ca, 'broker', { commonName: 'x', serverNames: ['127.0.0.1'] })).certFile, 'utf8')).toBe(first);
  });
});
