import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset, Line, Plant } from './plant.model';
import { NAMESPACE } from './sparkplug.encoder';

/**
 * One MQTT client of the simulated plant and the topics it needs: each asset publishing JSON is a device
 * of its own, each line's Sparkplug B edge node another. The id is the certificate's CN (Mosquitto's
 * username with use_identity_as_username), so it must be unique on the broker: asset ids repeat across
 * lines, so the id is the whole ISA-95 path.
 */
export interface MqttDeviceIdentity {
  id: string;
  kind: 'json-device' | 'sparkplug-node';
  /** Topics (ACL patterns) the client may publish on, and nothing else. */
  write: string[];
  /** Topics it may receive: a Sparkplug node its own commands. */
  read: string[];
}

/** `acme/berlin/press-shop/line-1/pump-1` → `acme.berlin.press-shop.line-1.pump-1`. */
export function jsonDeviceId(asset: Pick<Asset, 'path'>): string {
  return asset.path.replaceAll('/', '.');
}

/** The edge node of a line, as `spBv1.0.<group>.<edge node>` (the group is the site). */
export function sparkplugNodeId(line: Pick<Line, 'site' | 'area' | 'id'>): string {
  return `${NAMESPACE}.${line.site}.${line.area}.${line.id}`;
}

/** Every MQTT client the plant runs, with its least-privilege topic grants. */
export function mqttDeviceIdentities(plant: Pick<Plant, 'assets' | 'lines'>): MqttDeviceIdentity[] {
  const devices: MqttDeviceIdentity[] = plant.assets.map((asset) => ({ id: jsonDeviceId(asset), kind: 'json-device', write: [`${asset.path}/#`], read: [] }));
  const nodes: MqttDeviceIdentity[] = plant.lines.map((line) => {
    const node = `${line.area}.${line.id}`;
    const base = (type: string) => `${NAMESPACE}/${line.site}/${type}/${node}`;
    return {
      id: sparkplugNodeId(line),
      kind: 'sparkplug-node',
      write: [base('NBIRTH'), base('NDATA'), base('NDEATH'), `${base('DBIRTH')}/+`, `${base('DDATA')}/+`, `${base('DDEATH')}/+`],
      read: [base('NCMD'), `${base('DCMD')}/+`],
    };
  });
  return [...devices, ...nodes];
}

/** Where a device finds its CA, certificate and key: `<identitiesDir>/<id>.crt` and `<id>.key`. */
export interface MqttTlsFiles {
  caFile: string;
  identitiesDir: string;
}

export interface MqttTlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export function identityFiles(identitiesDir: string, id: string): { certFile: string; keyFile: string } {
  return { certFile: join(identitiesDir, `${id}.crt`), keyFile: join(identitiesDir, `${id}.key`) };
}

export function tlsMaterialFor(files: MqttTlsFiles, id: string): MqttTlsMaterial {
  const { certFile, keyFile } = identityFiles(files.identitiesDir, id);
  return { ca: readFileSync(files.caFile), cert: readFileSync(certFile), key: readFileSync(keyFile) };
}
