import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDeviceCsr } from './device.csr';
import { CaAlreadyInitialised, CsrInvalid, IdentityTypeConflict, InvalidIdentity, InvalidValidity } from './errors';
import { SiteCa } from './site.ca';
import { X509Crl } from './x509';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

let dir: string;
let ca: SiteCa;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmesh-site-ca-'));
  ca = await SiteCa.init(join(dir, 'ca'), { site: 'plant-1' });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function crlOf(authority: SiteCa): X509Crl {
  return new X509Crl(readFileSync(authority.files.crl, 'utf8'));
}

function crlNumber(crl: X509Crl): number {
  const value = Buffer.from(crl.getExtension('2.5.29.20')?.value ?? new ArrayBuffer(0));
  return value.length > 2 ? value.readUIntBE(2, value.length - 2) : -1;
}

describe('site CA', () => {
  it('issues a device certificate for TLS clients whose CN is the device id, signed by the CA', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    const { record, pem } = await ca.issue({ csrPem, type: 'device', days: 30 });
    const certificate = new NodeX509Certificate(pem);
    const authority = new NodeX509Certificate(readFileSync(ca.files.certificate));

    expect(certificate.subject.split('\n')).toEqual(expect.arrayContaining(['CN=pump-1', 'OU=device', 'O=plant-1']));
    expect(certificate.keyUsage).toEqual([CLIENT_AUTH]);
    expect(certificate.ca).toBe(false);
    expect(certificate.checkIssued(authority) && certificate.verify(authority.publicKey)).toBe(true);
    expect(record.serial).toBe(certificate.serialNumber.toLowerCase());
    expect(Date.parse(record.notAfter) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(ca.list().map((entry) => [entry.id, entry.status])).toEqual([['pump-1', 'valid']]);
  });

  it('issues broker certificates for TLS servers with the names clients connect to', async () => {
    const { csrPem } = await makeDeviceCsr('mqtt-broker');
    const { pem } = await ca.issue({
      csrPem,
      type: 'broker',
      subjectAltNames: [
        { type: 'dns', value: 'broker.plant.local' },
        { type: 'ip', value: '127.0.0.1' },
      ],
    });
    const certificate = new NodeX509Certificate(pem);
    expect(certificate.keyUsage).toEqual([SERVER_AUTH]);
    expect(certificate.checkHost('broker.plant.local')).toBe('broker.plant.local');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('refuses a CSR whose signature does not prove possession of its key', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0xff;
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await expect(ca.issue({ csrPem: tampered, type: 'device' })).rejects.toBeInstanceOf(CsrInvalid);
  });

  it('refuses ids that would widen an ACL pattern or a topic', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    for (const id of ['pump/1', 'pump-#', '+', 'pump 1', '']) {
      await expect(ca.issue({ csrPem, type: 'device', id })).rejects.toBeInstanceOf(InvalidIdentity);
    }
  });

  it("refuses to give a gateway's id to a device, which would share the gateway's MQTT rights", async () => {
    const { csrPem } = await makeDeviceCsr('gw-1');
    const gateway = await ca.issue({ csrPem, type: 'gateway' });
    await expect(ca.issue({ csrPem, type: 'device' })).rejects.toBeInstanceOf(IdentityTypeConflict);
    await ca.revoke({ serial: gateway.record.serial }, 'superseded');
    await expect(ca.issue({ csrPem, type: 'device' })).resolves.toMatchObject({ record: { id: 'gw-1', type: 'device' } });
  });

  it('refuses a validity that ends before it begins or outlives the CA', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    await expect(ca.issue({ csrPem, type: 'device', notBefore: new Date('2030-01-02'), notAfter: new Date('2030-01-01') })).rejects.toBeInstanceOf(InvalidValidity);
    await expect(ca.issue({ csrPem, type: 'device', days: 365 * 20 })).rejects.toBeInstanceOf(InvalidValidity);
  });

  it('starts with an empty CRL and lists each revoked serial with its reason in the next one', async () => {
    expect(crlOf(ca).entries).toEqual([]);
    const first = crlOf(ca);
    const { csrPem } = await makeDeviceCsr('pump-1');
    const { record } = await ca.issue({ csrPem, type: 'device' });
    await ca.revoke({ serial: record.serial.toUpperCase() }, 'keyCompromise');

    const crl = crlOf(ca);
    expect(crl.entries.map((entry) => [entry.serialNumber.toLowerCase(), entry.reason])).toEqual([[record.serial, 1]]);
    expect(await crl.verify({ publicKey: ca.certificate.publicKey })).toBe(true);
    expect(crlNumber(crl)).toBeGreaterThan(crlNumber(first));
    expect(crl.nextUpdate && crl.nextUpdate.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(ca.list()[0]).toMatchObject({ status: 'revoked', revocation: { reason: 'keyCompromise' } });
  });

  it('reports expired certificates as expired', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    await ca.issue({ csrPem, type: 'device', notBefore: new Date(Date.now() - 2 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    expect(ca.list().map((entry) => entry.status)).toEqual(['expired']);
  });

  it('keeps its state in the folder: a reopened CA knows what it issued, and a second init is refused', async () => {
    const { csrPem } = await makeDeviceCsr('pump-1');
    await ca.issue({ csrPem, type: 'device' });
    const reopened = await SiteCa.open(ca.dir);
    expect(reopened.list().map((entry) => entry.id)).toEqual(['pump-1']);
    await expect(SiteCa.init(ca.dir, { site: 'plant-1' })).rejects.toBeInstanceOf(CaAlreadyInitialised);
  });
});
