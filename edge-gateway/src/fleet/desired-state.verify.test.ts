import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DesiredStatePayload, DesiredStateRefused, signDesiredState, verifyDesiredState } from '@fieldmesh/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeviceCsr } from '../onboarding/device.csr';
import { SiteCa } from '../onboarding/site.ca';

const payload: DesiredStatePayload = {
  gatewayId: 'gw-berlin-1',
  version: 4,
  issuedAt: '2026-12-07T20:00:00.000Z',
  rolloutId: 'r-1',
  config: { connectors: [{ name: 'plant-mqtt', type: 'mqtt', config: { url: 'mqtt://127.0.0.1:1883' } }] },
};

/** A gateway applies only what an operator certificate of its own site CA signed, exactly as signed. */
describe('desired state signatures', () => {
  let dir: string;
  let caPem: string;
  const signers: Record<'operator' | 'device' | 'otherSite', { keyPem: string; certificatePem: string }> = {} as never;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fm-desired-state-'));
    const site = await SiteCa.init(join(dir, 'site'), { site: 'berlin' });
    const other = await SiteCa.init(join(dir, 'other'), { site: 'lyon' });
    caPem = readFileSync(site.files.certificate, 'utf8');
    const issue = async (ca: SiteCa, id: string, type: 'operator' | 'device') => {
      const { keyPem, csrPem } = await makeDeviceCsr(id);
      return { keyPem, certificatePem: (await ca.issue({ csrPem, type })).pem };
    };
    signers.operator = await issue(site, 'olga', 'operator');
    signers.device = await issue(site, 'pump-7', 'device');
    signers.otherSite = await issue(other, 'lyon-operator', 'operator');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signedBy = (signer: keyof typeof signers) => signDesiredState(payload, signers[signer].keyPem, signers[signer].certificatePem);

  it('accepts a state an operator of the site signed, naming the operator', () => {
    expect(verifyDesiredState(signedBy('operator'), caPem)).toEqual({ payload, signedBy: 'olga' });
  });

  it('refuses a state whose payload was changed after signing', () => {
    const signed = signedBy('operator');
    const tampered = { ...signed, payload: signed.payload.replace('127.0.0.1:1883', 'evil.example:1883') };
    expect(() => verifyDesiredState(tampered, caPem)).toThrow(/signature does not match its payload/);
  });

  it("refuses a device's certificate, whose key lives on a device, though the site CA issued it", () => {
    expect(() => verifyDesiredState(signedBy('device'), caPem)).toThrow(/not an operator's \(no codeSigning usage\)/);
  });

  it("refuses an operator of another site's CA", () => {
    expect(() => verifyDesiredState(signedBy('otherSite'), caPem)).toThrow(/was not issued by this site's CA/);
  });

  it('refuses a certificate past its validity', () => {
    expect(() => verifyDesiredState(signedBy('operator'), caPem, new Date(Date.now() + 400 * 86_400_000))).toThrow(/is not valid now/);
  });

  it('refuses what is not a signed state at all, saying what is missing', () => {
    expect(() => verifyDesiredState({ payload: '{}' }, caPem)).toThrow(DesiredStateRefused);
    expect(() => verifyDesiredState({ payload: '{}' }, caPem)).toThrow(/signature/);
  });
});
