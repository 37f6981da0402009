import { readFile } from 'node:fs/promises';
import { NotConnected } from '@fieldmesh/connect';
import {
  AttributeIds,
  BrowseDirection,
  browseAll,
  ClientMonitoredItem,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DataType,
  type DataValue,
  DeadbandType,
  MessageSecurityMode,
  NodeClass,
  type OPCUACertificateManager,
  OPCUAClient,
  ReferenceTypeIds,
  resolveNodeId,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  type UserIdentityInfo,
  UserTokenType,
  type Variant,
} from 'node-opcua';
import { mapBrowsePath } from './browse.mapping';
import type { BrowseConfig, DeadbandConfig, OpcuaSourceConfig } from './config';
import { CredentialFileUnreadable, PasswordEnvUnset, SecurityNotOffered, ServerCertificateUntrusted, UserIdentityRejected } from './errors';
import { type EngineeringUnits, ucumUnitOf } from './eu.units';
import { ConditionAcknowledgeRefused } from './errors';
import { conditionEventFilter } from './event.mapping';
import type { SignalNode } from './signal.node';
import { describeCertificate, fetchServerCertificate, findRejectedFile } from './pki.trust';

/** What the connector knows about the server after connecting. */
export interface ServerIdentity {
  applicationUri: string;
}

export interface ClientSettings {
  connector: string;
  pkiDir: string;
  applicationUri: string;
  certificateManager: OPCUACertificateManager;
}

/** Status codes a server answers when it does not accept a deadband filter on a monitored item. */
export const DEADBAND_REJECTIONS: ReadonlySet<number> = new Set([
  StatusCodes.BadFilterNotAllowed.value,
  StatusCodes.BadMonitoredItemFilterUnsupported.value,
  StatusCodes.BadDeadbandFilterInvalid.value,
]);

const USER_TOKEN_REJECTIONS: ReadonlySet<string> = new Set([
  'BadUserAccessDenied',
  'BadIdentityTokenInvalid',
  'BadIdentityTokenRejected',
  'BadUserSignatureInvalid',
  'BadCertificateUntrusted',
]);

// The standard numeric DataTypes (Part 6, i=2..11 and i=26..28 for Number/Integer/UInteger); only these take a deadband.
const NUMERIC_DATA_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 26, 27, 28]);

const APPLICATION_NAME = 'Fieldmesh gateway';

type UsernameIdentity = Extract<OpcuaSourceConfig['userIdentity'], { type: 'username' }>;

/** The password from wherever the config says; read at each connect so that a rotated secret applies on reconnect. */
async function passwordOf(identity: UsernameIdentity): Promise<string> {
  if (identity.passwordFile) {
    const text = await readFile(identity.passwordFile, 'utf8').catch((cause) =>
      Promise.reject(new CredentialFileUnreadable('userIdentity.passwordFile', identity.passwordFile ?? '', { cause })),
    );
    // A trailing newline is what `echo secret > file` leaves; it is not part of the password.
    const password = text.replace(/\r?\n$/, '');
    if (!password) throw new CredentialFileUnreadable('userIdentity.passwordFile', identity.passwordFile, { cause: new Error('the file is empty') });
    return password;
  }
  if (identity.passwordEnv) {
    const password = process.env[identity.passwordEnv];
    if (!password) throw new PasswordEnvUnset(identity.passwordEnv);
    return password;
  }
  return identity.password ?? '';
}

async function userIdentityOf(identity: OpcuaSourceConfig['userIdentity']): Promise<UserIdentityInfo> {
  switch (identity.type) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'username':
      return { type: UserTokenType.UserName, userName: identity.username, password: await passwordOf(identity) };
    case 'certificate': {
      const read = (field: string, file: string) => readFile(file, 'utf8').catch((cause) => Promise.reject(new CredentialFileUnreadable(field, file, { cause })));
      const certificatePem = await read('userIdentity.certificateFile', identity.certificateFile);
      const privateKey = await read('userIdentity.privateKeyFile', identity.privateKeyFile);
      const base64 = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
      return { type: UserTokenType.Certificate, certificateData: Buffer.from(base64, 'base64'), privateKey };
    }
  }
}

/** The server's status for a monitored item once it is created or refused; nothing is retried here. */
function itemStatus(item: ClientMonitoredItem): Promise<{ statusCode: number; statusName: string }> {
  return new Promise((resolve) => {
    const settle = () => resolve({ statusCode: item.statusCode.value, statusName: item.statusCode.name });
    item.once('initialized', settle);
    item.once('err', settle);
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One OPC UA client, secure channel and session. It never reconnects by itself: node-opcua's own
 * reconnection is off (connectionStrategy.maxRetry 0) so that the gateway runtime owns backoff, as every
 * connector's; when the channel or session is lost `onLost` fires once and the owner builds a new one.
 */
export class OpcuaClientSession {
  private subscription: ClientSubscription | undefined;
  private lostReported = false;

  private constructor(
    private readonly client: OPCUAClient,
    private readonly session: ClientSession,
    readonly server: ServerIdentity,
  ) {}

  static async open(config: OpcuaSourceConfig, settings: ClientSettings, onLost: (cause: Error) => void): Promise<OpcuaClientSession> {
    const identity = await userIdentityOf(config.userIdentity);
    const client = OPCUAClient.create({
      applicationName: APPLICATION_NAME,
      applicationUri: settings.applicationUri,
      clientCertificateManager: settings.certificateManager,
      securityMode: MessageSecurityMode[config.securityMode],
      securityPolicy: SecurityPolicy[config.securityPolicy],
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      keepSessionAlive: true,
      requestedSessionTimeout: Math.max(60_000, config.subscription.publishingInterval * config.subscription.lifetimeCount),
      defaultTransactionTimeout: config.requestTimeoutMs,
      transportTimeout: config.requestTimeoutMs,
    });
    try {
      await client.connect(config.endpointUrl);
    } catch (cause) {
      await client.disconnect().catch(() => undefined);
      throw await OpcuaClientSession.explainConnectFailure(config, settings, cause);
    }
    let session: ClientSession;
    try {
      session = await client.createSession(identity);
    } catch (cause) {
      await client.disconnect().catch(() => undefined);
      const statusName = [...USER_TOKEN_REJECTIONS].find((name) => errorText(cause).includes(name));
      if (statusName) throw new UserIdentityRejected(config.endpointUrl, config.userIdentity.type, statusName, { cause });
      throw new NotConnected(settings.connector, config.endpointUrl, { cause });
    }
    const applicationUri = session.endpoint?.server?.applicationUri ?? config.endpointUrl;
    const opened = new OpcuaClientSession(client, session, { applicationUri });
    const lost = (reason: string) => opened.reportLost(onLost, new Error(`${config.endpointUrl}: ${reason}`));
    client.on('connection_lost', () => lost('connection lost'));
    client.on('close', (err?: Error | null) => lost(err ? `connection closed: ${err.message}` : 'connection closed'));
    session.on('session_closed', (status) => lost(`session closed (${status.name})`));
    session.on('keepalive_failure', () => lost('session keep-alive failed'));
    return opened;
  }

  /** Turns a failed connect into the error that tells the operator (or the runtime) what to do. */
  private static async explainConnectFailure(config: OpcuaSourceConfig, settings: ClientSettings, cause: unknown): Promise<Error> {
    const message = errorText(cause);
    if (/certificate verification failed/i.test(message) && /BadCertificate/.test(message)) {
      const der = await fetchServerCertificate({
        endpointUrl: config.endpointUrl,
        certificateManager: settings.certificateManager,
        applicationName: APPLICATION_NAME,
        applicationUri: settings.applicationUri,
        certificateFile: `${settings.pkiDir}/own/certs/client_certificate.pem`,
        timeoutMs: config.requestTimeoutMs,
      }).catch(() => undefined);
      const summary = der ? describeCertificate(der) : { thumbprint: 'unknown', subject: 'unknown subject' };
      const rejectedFile = der ? await findRejectedFile(settings.pkiDir, summary.thumbprint) : undefined;
      const trustedDir = `${settings.pkiDir}/trusted/certs`;
      return new ServerCertificateUntrusted(settings.connector, config.endpointUrl, summary.thumbprint, summary.subject, rejectedFile, trustedDir, settings.pkiDir, { cause });
    }
    if (/cannot find (an )?endpoint/i.test(message)) {
      return new SecurityNotOffered(config.endpointUrl, config.securityMode, config.securityPolicy, await OpcuaClientSession.offeredSecurity(config, settings), { cause });
    }
    return new NotConnected(settings.connector, config.endpointUrl, { cause });
  }

  private static async offeredSecurity(config: OpcuaSourceConfig, settings: ClientSettings): Promise<string[]> {
    const client = OPCUAClient.create({
      applicationName: APPLICATION_NAME,
      applicationUri: settings.applicationUri,
      clientCertificateManager: settings.certificateManager,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0 },
    });
    try {
      await client.connect(config.endpointUrl);
      const endpoints = await client.getEndpoints();
      return endpoints.map((e) => `${MessageSecurityMode[e.securityMode]}/${(e.securityPolicyUri ?? '').split('#')[1] ?? 'None'}`);
    } catch {
      return [];
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  }

  private reportLost(onLost: (cause: Error) => void, cause: Error): void {
    if (this.lostReported) return;
    this.lostReported = true;
    onLost(cause);
  }

  /**
   * Finds signal variables below `browse.rootNodeId`, at most `maxDepth` levels deep, and maps each browse
   * path to asset and signal (the asset's AssetPath property wins over the template). Standard nodes
   * (namespace 0, e.g. the Server object) are not descended into.
   */
  async browseSignals(browse: BrowseConfig): Promise<SignalNode[]> {
    interface Frontier {
      nodeId: string;
      path: string[];
      assetPath?: string;
    }
    interface Children {
      objects: { nodeId: string; name: string }[];
      variables: { nodeId: string; name: string }[];
      assetPathNodeId?: string;
    }
    let frontier: Frontier[] = [{ nodeId: browse.rootNodeId, path: [] }];
    const found: SignalNode[] = [];
    // A variable that is also an event source (HasEventSource, hierarchical too) is referenced twice by its asset: monitor it once.
    const seen = new Set<string>([browse.rootNodeId]);
    for (let depth = 1; depth <= browse.maxDepth && frontier.length > 0; depth++) {
      const results = await browseAll(
        this.session,
        frontier.map((f) => ({
          nodeId: f.nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
          includeSubtypes: true,
          nodeClassMask: NodeClass.Object | NodeClass.Variable,
          resultMask: 0x3f,
        })),
      );
      const children: Children[] = results.map((result) => {
        const own: Children = { objects: [], variables: [] };
        for (const reference of result.references ?? []) {
          if (reference.nodeId.namespace === 0) continue;
          const child = { nodeId: reference.nodeId.toString(), name: reference.browseName.name ?? '' };
          if (seen.has(child.nodeId)) continue;
          seen.add(child.nodeId);
          const isProperty = reference.referenceTypeId.namespace === 0 && reference.referenceTypeId.value === ReferenceTypeIds.HasProperty;
          if (isProperty) {
            if (reference.nodeClass === NodeClass.Variable && child.name === browse.assetPathProperty) own.assetPathNodeId = child.nodeId;
          } else if (reference.nodeClass === NodeClass.Object) own.objects.push(child);
          else if (reference.nodeClass === NodeClass.Variable) own.variables.push(child);
        }
        return own;
      });
      const assetPaths = await this.readAssetPaths(children.map((c) => c.assetPathNodeId));
      const next: Frontier[] = [];
      children.forEach((own, i) => {
        const parent = frontier[i];
        if (!parent) return;
        // The server knows the ISA-95 path; it applies to the object holding the property and everything below it.
        const assetPath = assetPaths[i] ?? parent.assetPath;
        for (const object of own.objects) next.push({ nodeId: object.nodeId, path: [...parent.path, object.name], ...(assetPath ? { assetPath } : {}) });
        for (const variable of own.variables) {
          const mapped = mapBrowsePath([...parent.path, variable.name], browse, assetPath);
          if (mapped) found.push({ nodeId: variable.nodeId, ...mapped });
        }
      });
      frontier = next;
    }
    return found;
  }

  private async readAssetPaths(nodeIds: (string | undefined)[]): Promise<(string | undefined)[]> {
    const wanted = nodeIds.flatMap((id) => (id ? [{ nodeId: resolveNodeId(id), attributeId: AttributeIds.Value }] : []));
    if (wanted.length === 0) return nodeIds.map(() => undefined);
    const values = await this.session.read(wanted);
    let next = 0;
    return nodeIds.map((id) => {
      if (!id) return undefined;
      const value = values[next++]?.value.value;
      return typeof value === 'string' && value.trim() ? value.trim() : undefined;
    });
  }

  /**
   * Reads each signal's EngineeringUnits (unless the config gives the unit), its EURange (what a percent
   * deadband needs, on the server or in the client) and whether its DataType is numeric.
   */
  async describe(signals: SignalNode[]): Promise<{ signal: SignalNode; numeric: boolean }[]> {
    if (signals.length === 0) return [];
    const PROPERTIES = ['EngineeringUnits', 'EURange'] as const;
    const paths = await this.session.translateBrowsePath(
      signals.flatMap((s) =>
        PROPERTIES.map((name) => ({
          startingNode: resolveNodeId(s.nodeId),
          relativePath: { elements: [{ referenceTypeId: ReferenceTypeIds.HasProperty, isInverse: false, includeSubtypes: true, targetName: { namespaceIndex: 0, name } }] },
        })),
      ),
    );
    const propertyIds = paths.map((p) => (p.statusCode.isGood() ? p.targets?.[0]?.targetId : undefined));
    const values = await this.session.read([
      ...signals.map((s) => ({ nodeId: resolveNodeId(s.nodeId), attributeId: AttributeIds.DataType })),
      ...propertyIds.map((id) => ({ nodeId: id ? resolveNodeId(id.toString()) : resolveNodeId('i=0'), attributeId: AttributeIds.Value })),
    ]);
    const property = (i: number, index: number): unknown =>
      propertyIds[i * PROPERTIES.length + index] ? values[signals.length + i * PROPERTIES.length + index]?.value.value : undefined;
    return signals.map((signal, i) => {
      const dataType = values[i]?.value.value as { namespace: number; value: unknown } | null | undefined;
      const numeric = dataType?.namespace === 0 && typeof dataType.value === 'number' && NUMERIC_DATA_TYPES.has(dataType.value);
      const unit = signal.unit ?? ucumUnitOf(property(i, 0) as EngineeringUnits | null | undefined);
      const range = property(i, 1) as { low?: unknown; high?: unknown } | null | undefined;
      const euRange = typeof range?.low === 'number' && typeof range.high === 'number' ? { low: range.low, high: range.high } : undefined;
      return { signal: { ...signal, ...(unit ? { unit } : {}), ...(euRange ? { euRange } : {}) }, numeric };
    });
  }

  async createSubscription(settings: OpcuaSourceConfig['subscription']): Promise<void> {
    this.subscription = await this.session.createSubscription2({
      requestedPublishingInterval: settings.publishingInterval,
      requestedLifetimeCount: settings.lifetimeCount,
      requestedMaxKeepAliveCount: settings.keepAliveCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 0,
    });
  }

  /**
   * Creates one monitored item and resolves with the server's status for it; `onChange` receives every
   * data change from then on. Nothing is retried here: the caller decides what a rejection means.
   */
  monitor(
    nodeId: string,
    settings: OpcuaSourceConfig['subscription'],
    deadband: DeadbandConfig | undefined,
    onChange: (dataValue: DataValue) => void,
  ): Promise<{ statusCode: number; statusName: string }> {
    const subscription = this.subscription;
    if (!subscription) return Promise.reject(new Error('createSubscription() must run before monitor()'));
    const filter = deadband
      ? new DataChangeFilter({
          trigger: DataChangeTrigger.StatusValue,
          deadbandType: deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
          deadbandValue: deadband.value,
        })
      : null;
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.Value },
      { samplingInterval: settings.samplingInterval, queueSize: settings.queueSize, discardOldest: settings.discardOldest, filter },
      TimestampsToReturn.Both,
    );
    item.on('changed', onChange);
    return itemStatus(item);
  }

  /**
   * Monitors the EventNotifier of `nodeId` (the Server object, i=2253, sees every event the server
   * reports) with the condition EventFilter; `onEvent` receives each event's selected fields in
   * EVENT_FIELDS order. Resolves with the server's status for the item.
   */
  monitorEvents(nodeId: string, queueSize: number, onEvent: (fields: Variant[]) => void): Promise<{ statusCode: number; statusName: string }> {
    const subscription = this.subscription;
    if (!subscription) return Promise.reject(new Error('createSubscription() must run before monitorEvents()'));
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.EventNotifier },
      { samplingInterval: 0, queueSize, discardOldest: false, filter: conditionEventFilter() },
      TimestampsToReturn.Neither,
    );
    item.on('changed', onEvent);
    return itemStatus(item);
  }

  /**
   * Asks the server to send the current state of every retained condition (ConditionType.ConditionRefresh)
   * to the subscription: events only report changes, so without it a condition raised before this
   * connection would stay unknown until it changes again. Resolves with the server's status name.
   */
  async refreshConditions(): Promise<string> {
    const subscription = this.subscription;
    if (!subscription) throw new Error('createSubscription() must run before refreshConditions()');
    // Part 9: the call passes the well-known ids, ConditionType (i=2782) as object and its ConditionRefresh (i=3875) as method.
    const result = await this.session.call({
      objectId: resolveNodeId('i=2782'),
      methodId: resolveNodeId('i=3875'),
      inputArguments: [{ dataType: DataType.UInt32, value: subscription.subscriptionId }],
    });
    return result.statusCode.name;
  }

  /** Calls AcknowledgeableConditionType.Acknowledge (i=9111) on the condition with the event id and the comment. */
  async acknowledge(endpointUrl: string, conditionId: string, eventIdHex: string, comment: string): Promise<void> {
    const status = await this.session.acknowledgeCondition(resolveNodeId(conditionId), Buffer.from(eventIdHex, 'hex'), comment);
    if (status.value !== StatusCodes.Good.value) throw new ConditionAcknowledgeRefused(endpointUrl, conditionId, eventIdHex, status.name);
  }

  /** Closes session and channel; safe to call on a connection that is already gone. */
  async close(): Promise<void> {
    this.lostReported = true;
    await this.subscription?.terminate().catch(() => undefined);
    await this.session.close(true).catch(() => undefined);
    await this.client.disconnect().catch(() => undefined);
  }
}
