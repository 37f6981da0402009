import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  DataType,
  makeEUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  type Namespace,
  type StatusCode,
  type UAExclusiveLimitAlarmEx,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import { OutputStartFailed } from './errors';
import type { Plant } from './plant.model';
import type { PlantOutput } from './plant.output';
import type { Reading, StatusName } from './reading';
import type { SignalName } from './signal.catalog';

export const APPLICATION_URI = 'urn:fieldmesh:simulator';

export const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;

export interface AlarmLimits {
  high: number;
  highHigh: number;
}

/** Limits of the alarms an operator would configure on the plant's server (vibration after ISO 10816 zones C and D). */
export const DEFAULT_ALARM_LIMITS: Partial<Record<SignalName, AlarmLimits>> = {
  bearing_temperature: { high: 90, highHigh: 110 },
  vibration_rms: { high: 7.1, highHigh: 11.2 },
};

export interface OpcuaServerOptions {
  port: number;
  /** Holds `pki/` (own certificate and key, trusted and rejected client certificates). */
  stateDir: string;
  securityPolicies: readonly (typeof SECURITY_POLICIES)[number][];
  securityModes: readonly (typeof SECURITY_MODES)[number][];
  allowAnonymous: boolean;
  users: readonly { username: string; password: string }[];
  /**
   * Accept any client certificate (a test peer), or only those an operator moved to
   * `pki/trusted/certs` (what a real server does; refused ones land in `pki/rejected`).
   */
  trustAllClients: boolean;
  /**
   * Client certificates (PEM or DER files) an operator decided to trust, added to `pki/trusted/certs` at
   * start: how a deployment onboards the gateway without the rejected-folder round trip.
   */
  trustedClientCertificates?: readonly string[];
  /** An exclusive limit alarm (OPC UA Alarms & Conditions) per signal, on every asset measuring it; DEFAULT_ALARM_LIMITS when absent. */
  alarms?: Partial<Record<SignalName, AlarmLimits>>;
}

export interface ServerCertificate {
  certificateFile: string;
  /** SHA-1, lowercase hex: what a client operator checks before trusting it. */
  thumbprint: string;
}

function pemToDer(text: Buffer): Buffer {
  const pem = text.toString('latin1');
  return pem.includes('-----BEGIN CERTIFICATE-----') ? Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''), 'base64') : text;
}

/**
 * Creates the server's certificate in `<stateDir>/pki` as the server would on its first start (same file,
 * same application URI, 127.0.0.1 in its names), so that a deployment can hand it to the clients' trust
 * lists before the server runs. An existing certificate is kept.
 */
export async function prepareServerCertificate(stateDir: string): Promise<ServerCertificate> {
  const pkiFolder = join(stateDir, 'pki');
  const certificateFile = join(pkiFolder, 'own', 'certs', 'certificate.pem');
  const manager = new OPCUACertificateManager({ rootFolder: pkiFolder, automaticallyAcceptUnknownCertificate: false });
  try {
    await manager.initialize();
    if (!existsSync(certificateFile)) {
      await manager.createSelfSignedCertificate({
        applicationUri: APPLICATION_URI,
        dns: [hostname()],
        ip: ['127.0.0.1'],
        outputFile: certificateFile,
        subject: '/CN=Fieldmesh plant simulator',
        startDate: new Date(),
        validity: 365 * 2,
      });
    }
  } finally {
    await manager.dispose();
  }
  const der = pemToDer(await readFile(certificateFile));
  return { certificateFile, thumbprint: new X509Certificate(der).fingerprint.replaceAll(':', '').toLowerCase() };
}

const STATUS_CODES: Record<StatusName, StatusCode> = {
  Good: StatusCodes.Good,
  UncertainLastUsableValue: StatusCodes.UncertainLastUsableValue,
  UncertainSensorNotAccurate: StatusCodes.UncertainSensorNotAccurate,
  BadSensorFailure: StatusCodes.BadSensorFailure,
  BadNoCommunication: StatusCodes.BadNoCommunication,
};

/** The OPC UA node id string of a signal: `<site>.<line>.<asset>.<signal>` in namespace 1. */
export function signalNodeId(reading: Pick<Reading, 'asset' | 'signal'>): string {
  return `ns=1;s=${reading.asset.site}.${reading.asset.line}.${reading.asset.id}.${reading.signal.name}`;
}

/**
 * The plant as an OPC UA server: Objects/<site>/<line>/<asset>/<signal>, numeric signals as
 * AnalogItemType with EngineeringUnits (UNECE codes) and EURange, sensor faults as status codes.
 */
export class OpcuaPlantServer implements PlantOutput {
  readonly name = 'opcua';
  private server: OPCUAServer | undefined;
  private readonly variables = new Map<string, UAVariable>();
  private readonly lastValues = new Map<string, number | string>();
  /** Each alarmed signal's alarm input, by the signal's node id (see addAlarm). */
  private readonly alarmInputs = new Map<string, UAVariable>();
  private readonly alarms = new Map<string, UAExclusiveLimitAlarmEx>();
  private count = 0;

  constructor(
    private readonly plant: Plant,
    private readonly options: OpcuaServerOptions,
  ) {}

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.options.port}`;
  }

  /** The server's certificate (PEM): what a client operator adds to its trust list. */
  get certificateFile(): string {
    return join(this.pkiFolder, 'own', 'certs', 'certificate.pem');
  }

  get pkiFolder(): string {
    return join(this.options.stateDir, 'pki');
  }

  async start(): Promise<void> {
    const users = this.options.users;
    try {
      const serverCertificateManager = new OPCUACertificateManager({ rootFolder: this.pkiFolder, automaticallyAcceptUnknownCertificate: this.options.trustAllClients });
      await serverCertificateManager.initialize();
      for (const file of this.options.trustedClientCertificates ?? []) await serverCertificateManager.trustCertificate(pemToDer(await readFile(file)));
      this.server = new OPCUAServer({
        port: this.options.port,
        host: '127.0.0.1',
        hostname: '127.0.0.1',
        serverCertificateManager,
        certificateFile: this.certificateFile,
        privateKeyFile: join(this.pkiFolder, 'own', 'private', 'private_key.pem'),
        securityPolicies: this.options.securityPolicies.map((policy) => SecurityPolicy[policy]),
        securityModes: this.options.securityModes.map((mode) => MessageSecurityMode[mode]),
        allowAnonymous: this.options.allowAnonymous,
        userManager: { isValidUser: (username: string, password: string) => users.some((user) => user.username === username && user.password === password) },
        serverInfo: { applicationUri: APPLICATION_URI, productUri: 'fieldmesh-simulator', applicationName: { text: 'Fieldmesh plant simulator' } },
        buildInfo: { productName: 'Fieldmesh plant simulator', manufacturerName: 'Fieldmesh' },
        // Without a None endpoint, node-opcua then keeps a restricted one for GetEndpoints only (no session
        // can use it), so that secure clients can discover the endpoints and the server certificate.
        disableDiscovery: false,
      });
      await this.server.initialize();
      this.buildAddressSpace();
      await this.server.start();
    } catch (cause) {
      await this.server?.shutdown(0).catch(() => undefined);
      this.server = undefined;
      throw new OutputStartFailed('opcua', this.endpointUrl, 'Choose a free --opcua-port, or remove a damaged pki folder under the state dir.', { cause });
    }
  }

  async publish(readings: readonly Reading[]): Promise<void> {
    for (const reading of readings) {
      const nodeId = signalNodeId(reading);
      const variable = this.variables.get(nodeId);
      if (!variable) continue;
      // A Bad reading has no value; the last good one stays in the variant as OPC UA clients expect a Double.
      const value = reading.value ?? this.lastValues.get(nodeId) ?? (reading.signal.kind === 'number' ? 0 : '');
      if (reading.value !== null) this.lastValues.set(nodeId, reading.value);
      variable.setValueFromSource({ dataType: typeof value === 'number' ? DataType.Double : DataType.String, value }, STATUS_CODES[reading.status], new Date(reading.timestampMs));
      // A failed sensor's reading leaves the alarm as it was: only measured values move it.
      if (reading.status === 'Good' && typeof reading.value === 'number') {
        this.alarmInputs.get(nodeId)?.setValueFromSource({ dataType: DataType.Double, value: reading.value }, StatusCodes.Good, new Date(reading.timestampMs));
      }
      this.count += 1;
    }
  }

  published(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.shutdown(0);
  }

  private buildAddressSpace(): void {
    const addressSpace = this.server?.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA server has no address space after initialize()');
    // Binds ConditionRefresh, Enable/Disable and AddComment on ConditionType: clients resynchronise their alarms with it.
    addressSpace.installAlarmsAndConditionsService();
    const namespace = addressSpace.getOwnNamespace();
    const folders = new Map<string, UAObject>();
    const folder = (id: string, name: string, parent: UAObject): UAObject => {
      const existing = folders.get(id);
      if (existing) return existing;
      const created = namespace.addFolder(parent, { browseName: name, nodeId: `s=${id}` });
      folders.set(id, created);
      return created;
    };
    for (const line of this.plant.lines) {
      const siteFolder = folder(line.site, line.site, addressSpace.rootFolder.objects);
      const lineFolder = folder(`${line.site}.${line.id}`, line.id, siteFolder);
      for (const asset of line.assets) this.addAsset(namespace, lineFolder, asset);
    }
  }

  /** The alarm on a signal as the server holds it (active, acknowledged, last comment), for tests and the operator's checks. */
  alarmState(
    asset: Pick<Reading['asset'], 'site' | 'line' | 'id'>,
    signal: SignalName,
  ): { conditionId: string; active: boolean; acked: boolean; comment: string | null } | undefined {
    const nodeId = signalNodeId({ asset, signal: { name: signal } } as Pick<Reading, 'asset' | 'signal'>);
    const branch = this.alarms.get(nodeId)?.currentBranch();
    if (!branch) return undefined;
    return { conditionId: `${nodeId}_high`, active: branch.getActiveState(), acked: branch.getAckedState(), comment: branch.getComment().text || null };
  }

  /**
   * An exclusive limit alarm (High, HighHigh) on a signal, raised and cleared by the server itself from the
   * values it publishes. Its input is a property of the asset fed only with Good values, not the signal:
   * node-opcua's limit alarm throws when two non-Good values follow each other on its input, and a failed
   * sensor should not clear an alarm anyway.
   */
  private addAlarm(namespace: Namespace, object: UAObject, signal: UAVariable, nodeId: string, name: string, limits: AlarmLimits): void {
    const input = namespace.addVariable({
      propertyOf: object,
      browseName: `${name}_alarm_input`,
      nodeId: `${nodeId}_alarm_input`,
      dataType: 'Double',
      value: { dataType: DataType.Double, value: 0 },
    });
    input.setValueFromSource({ dataType: DataType.Double, value: 0 }, StatusCodes.BadWaitingForInitialData);
    object.addReference({ referenceType: 'HasEventSource', nodeId: signal });
    const alarm = namespace.instantiateExclusiveLimitAlarm('ExclusiveLimitAlarmType', {
      componentOf: object,
      browseName: `${name}_high`,
      nodeId: `${nodeId}_high`,
      conditionName: `${name}_high`,
      conditionSource: signal,
      inputNode: input,
      highLimit: limits.high,
      highHighLimit: limits.highHigh,
      // node-opcua wants a LowLimit on an exclusive limit alarm; these alarms watch the high side only.
      lowLimit: -Number.MAX_VALUE,
    });
    alarm.setEnabledState(true);
    this.alarmInputs.set(`ns=1;${nodeId}`, input);
    this.alarms.set(`ns=1;${nodeId}`, alarm);
  }

  private addAsset(namespace: Namespace, lineFolder: UAObject, asset: Plant['assets'][number]): void {
    const assetId = `${asset.site}.${asset.line}.${asset.id}`;
    const server = this.server?.engine.addressSpace?.rootFolder.objects.server;
    // An event notifier of the Server object, so that a client subscribed to i=2253 receives the asset's alarms.
    const object = namespace.addObject({ organizedBy: lineFolder, browseName: asset.id, nodeId: `s=${assetId}`, eventNotifier: 1, ...(server ? { notifierOf: server } : {}) });
    const alarms = this.options.alarms ?? DEFAULT_ALARM_LIMITS;
    namespace.addVariable({
      propertyOf: object,
      browseName: 'AssetPath',
      nodeId: `s=${assetId}#AssetPath`,
      dataType: 'String',
      value: { dataType: DataType.String, value: asset.path },
    });
    for (const signal of asset.signals) {
      const nodeId = `s=${assetId}.${signal.name}`;
      const initial = { dataType: signal.kind === 'number' ? DataType.Double : DataType.String, value: signal.kind === 'number' ? 0 : '' };
      const variable =
        signal.kind === 'number' && signal.unece && signal.range
          ? namespace.addAnalogDataItem({
              componentOf: object,
              browseName: signal.name,
              nodeId,
              dataType: 'Double',
              engineeringUnits: makeEUInformation(signal.unece.code, signal.unece.symbol, signal.unece.description),
              engineeringUnitsRange: signal.range,
              minimumSamplingInterval: 100,
              value: initial,
            })
          : namespace.addVariable({
              componentOf: object,
              browseName: signal.name,
              nodeId,
              dataType: signal.kind === 'number' ? 'Double' : 'String',
              minimumSamplingInterval: 100,
              value: initial,
            });
      // Nothing measured yet: clients see the node but no usable value until the first reading.
      variable.setValueFromSource(initial, StatusCodes.BadWaitingForInitialData);
      this.variables.set(`ns=1;${nodeId}`, variable);
      const limits = signal.kind === 'number' ? alarms[signal.name] : undefined;
      if (limits) this.addAlarm(namespace, object, variable, nodeId, signal.name, limits);
    }
  }
}
