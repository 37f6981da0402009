import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureClientCertificate, trustCertificateFile } from '@fieldmesh/connector-opcua';
import { prepareServerCertificate } from '@fieldmesh/simulator';

/** Policies the simulated plant server offers, each with SignAndEncrypt only: no None endpoint, no Sign-only one. */
export const PLANT_OPCUA_POLICIES = ['Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

/** What the gateway's OPC UA connector needs to reach the plant server securely. */
export interface GatewayOpcuaPeer {
  endpointUrl: string;
  /** The connector's PKI folder: its own certificate and the trusted server certificate. */
  pkiDir: string;
  applicationUri: string;
  username: string;
  /** Mode 600; the connector reads it at each connect and never logs it. */
  passwordFile: string;
}

/** The simulator's `opcua` config for the same link: its users and the one client certificate it trusts. */
export interface PlantOpcuaServerSettings {
  port: number;
  securityModes: ['SignAndEncrypt'];
  securityPolicies: (typeof PLANT_OPCUA_POLICIES)[number][];
  allowAnonymous: false;
  trustAllClients: false;
  users: { username: string; password: string }[];
  trustedClientCertificates: string[];
}

export interface SecureOpcuaLink {
  gateway: GatewayOpcuaPeer;
  server: PlantOpcuaServerSettings;
  /** Thumbprints of the two certificates exchanged, for the run's log and the operator. */
  serverThumbprint: string;
  gatewayThumbprint: string;
}

export interface SecureOpcuaLinkOptions {
  gatewayId: string;
  /** The gateway's OPC UA PKI folder. */
  gatewayPkiDir: string;
  /** The simulator's state folder (its server PKI lives in `pki/`). */
  simulatorStateDir: string;
  /** Where the gateway's password file is written. */
  secretsDir: string;
  port: number;
}

/**
 * Onboards the gateway at the simulated plant server the way an operator would, with no trust on first
 * use: each side's certificate is created where its owner keeps it and added to the other side's trust
 * list from the file (checked by thumbprint), never from whatever answers on the network; the gateway gets
 * a user of its own with a random password in a secret file.
 */
export async function prepareSecureOpcuaLink(options: SecureOpcuaLinkOptions): Promise<SecureOpcuaLink> {
  const applicationUri = `urn:fieldmesh:gateway:${options.gatewayId}`;
  const server = await prepareServerCertificate(options.simulatorStateDir);
  const client = await ensureClientCertificate({ pkiDir: options.gatewayPkiDir, applicationUri, applicationName: `Fieldmesh gateway ${options.gatewayId}` });
  await trustCertificateFile({ pkiDir: options.gatewayPkiDir, certificateFile: server.certificateFile, expectedThumbprint: server.thumbprint });
  await mkdir(options.secretsDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(options.secretsDir, 'opcua-gateway.password');
  const password = randomBytes(24).toString('base64url');
  // Written afresh, so that a file left with a wider mode does not keep it.
  await rm(passwordFile, { force: true });
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  return {
    gateway: { endpointUrl: `opc.tcp://127.0.0.1:${options.port}`, pkiDir: options.gatewayPkiDir, applicationUri, username: options.gatewayId, passwordFile },
    server: {
      port: options.port,
      securityModes: ['SignAndEncrypt'],
      securityPolicies: [...PLANT_OPCUA_POLICIES],
      allowAnonymous: false,
      trustAllClients: false,
      users: [{ username: options.gatewayId, password }],
      trustedClientCertificates: [client.certificateFile],
    },
    serverThumbprint: server.thumbprint,
    gatewayThumbprint: client.thumbprint,
  };
}
