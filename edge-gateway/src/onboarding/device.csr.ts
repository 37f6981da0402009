import { Pkcs10CertificateRequestGenerator } from './x509';
import { SIGNING_ALGORITHM, generateKeyPair, privateKeyPem } from './ca.keys';
import { checkIdentity } from './identity';

export interface DeviceKeyAndCsr {
  /** PKCS#8 PEM; stays on the device. */
  keyPem: string;
  /** PKCS#10 PEM with CN = the device id; goes to the site CA. */
  csrPem: string;
}

/** What a device (or the simulator, or a test) does to be onboarded: a fresh key pair and a CSR for it. */
export async function makeDeviceCsr(deviceId: string): Promise<DeviceKeyAndCsr> {
  const keys = await generateKeyPair();
  const csr = await Pkcs10CertificateRequestGenerator.create({ name: `CN=${checkIdentity(deviceId)}`, keys, signingAlgorithm: SIGNING_ALGORITHM });
  return { keyPem: await privateKeyPem(keys.privateKey), csrPem: csr.toString('pem') };
}
