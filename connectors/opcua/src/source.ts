import { join } from 'node:path';
import {
  type ConditionAcknowledgement,
  type ConnectorContext,
  NotConnected,
  type Source,
  type SourceBatch,
  type SourceEvent,
  type SourceReading,
  type SourceReject,
} from '@fieldmesh/connect';
import type { DataValue, OPCUACertificateManager, Variant } from 'node-opcua';
import { DEADBAND_REJECTIONS, OpcuaClientSession } from './client';
import type { SignalNode } from './signal.node';
import { ClientDeadband } from './client.deadband';
import type { EventsConfig, OpcuaSourceConfig } from './config';
import { ConditionAcknowledgeUnavailable } from './errors';
import { toSourceEvent } from './event.mapping';
import { openCertificateManager } from './pki.trust';
import { toSourceReading } from './reading.mapping';

/** Counters a gateway exports per connector instance. */
export interface OpcuaSourceMetrics {
  /** Data change notifications received from the server. */
  dataChangesIn: number;
  /** Readings the gateway acknowledged. */
  readingsOut: number;
  /** Successful connects after the first one. */
  reconnects: number;
  /** Monitored items whose deadband the server rejected: filtered by the connector instead, or not at all without an EURange for a percent one. */
  deadbandFallbacks: number;
  /** Data changes the connector's own deadband held back (the server rejected the filter). */
  clientDeadbandSuppressed: number;
  /** Oldest readings dropped because the gateway did not read for maxBufferedReadings readings. */
  readingsDropped: number;
  /** Monitored items the server refused outright (unknown node, no access). */
  itemsFailed: number;
  /** Signal variables monitored on the current connection. */
  itemsMonitored: number;
  /** Event notifications (events and condition state changes) received from the server. */
  eventsIn: number;
  /** Oldest events dropped because the gateway did not read for maxBufferedReadings events. */
  eventsDropped: number;
  /** Conditions acknowledged at the server on an operator's request. */
  conditionsAcknowledged: number;
}

/** Where the connector's warnings go; the gateway passes its own, the default writes to stderr. */
export interface ConnectorLog {
  warn(message: string, fields: Record<string, unknown>): void;
}

const stderrLog: ConnectorLog = {
  warn: (message, fields) => console.warn(`[connector-opcua] ${message}`, fields),
};

/**
 * OPC UA source: one session with one subscription whose monitored items push data changes into a
 * bounded in-memory buffer that `read()` drains in batches. OPC UA has no acknowledgement to its peer,
 * so `ack()` only counts and `nack()` puts the batch back at the front for redelivery.
 *
 * Reconnects are the runtime's: when the channel or session is lost, buffered readings are still
 * delivered, then `read()` throws NotConnected; the next `connect()` builds a new client, session,
 * subscription and monitored items (a restarted server has none of the old ones).
 */
export class OpcuaSource implements Source {
  private session: OpcuaClientSession | undefined;
  private certificateManager: OPCUACertificateManager | undefined;
  private lostCause: Error | undefined;
  private connectedOnce = false;
  private closed = false;
  private overflowWarned = false;
  private insecureWarned = false;
  private readonly buffer: SourceReading[] = [];
  private readonly rejects: SourceReject[] = [];
  private readonly events: SourceEvent[] = [];
  private wake: (() => void) | undefined;
  private readonly counters: OpcuaSourceMetrics = {
    dataChangesIn: 0,
    readingsOut: 0,
    reconnects: 0,
    deadbandFallbacks: 0,
    clientDeadbandSuppressed: 0,
    readingsDropped: 0,
    itemsFailed: 0,
    itemsMonitored: 0,
    eventsIn: 0,
    eventsDropped: 0,
    conditionsAcknowledged: 0,
  };

  readonly pkiDir: string;
  private readonly applicationUri: string;

  constructor(
    private readonly config: OpcuaSourceConfig,
    private readonly context: ConnectorContext,
    private readonly log: ConnectorLog = stderrLog,
  ) {
    this.pkiDir = config.pkiDir ?? join(context.stateDir, 'pki');
    this.applicationUri = config.applicationUri ?? `urn:fieldmesh:gateway:${context.instanceName}`;
  }

  metrics(): OpcuaSourceMetrics {
    return { ...this.counters };
  }

  async connect(): Promise<void> {
    if (this.closed) throw new Error(`${this.context.instanceName} is closed; create a new source to connect again.`);
    if (!this.connectedOnce && !this.insecureWarned && this.config.securityMode === 'None') {
      this.insecureWarned = true;
      this.log.warn(
        'securityMode None (allowed by allowSecurityNone): readings travel unsigned and unencrypted and the server is not authenticated, so anyone on the network can read or forge them. ' +
          'Fix: enable SignAndEncrypt with Basic256Sha256 or Aes256_Sha256_RsaPss on the server, set securityMode SignAndEncrypt and securityPolicy accordingly, and remove allowSecurityNone.',
        { connector: this.context.instanceName, endpoint: this.config.endpointUrl, securityMode: 'None' },
      );
    }
    await this.releaseConnection();
    // A fresh certificate manager per connect sees trust-list changes an operator made meanwhile.
    const certificateManager = await openCertificateManager(this.pkiDir);
    this.certificateManager = certificateManager;
    const session = await OpcuaClientSession.open(
      this.config,
      { connector: this.context.instanceName, pkiDir: this.pkiDir, applicationUri: this.applicationUri, certificateManager },
      (cause) => this.connectionLost(session, cause),
    );
    this.session = session;
    this.lostCause = undefined;
    try {
      await this.subscribe(session);
      if (this.lostCause) throw this.lostCause;
    } catch (cause) {
      this.session = undefined;
      await session.close();
      throw cause instanceof NotConnected ? cause : new NotConnected(this.context.instanceName, this.config.endpointUrl, { cause });
    }
    if (this.connectedOnce) this.counters.reconnects++;
    this.connectedOnce = true;
  }

  private async subscribe(session: OpcuaClientSession): Promise<void> {
    const configured: SignalNode[] = this.config.nodes.map((n) => ({
      nodeId: n.nodeId,
      assetPath: n.assetPath,
      signal: n.signal,
      ...(n.unit ? { unit: n.unit } : {}),
      ...(n.deadband ? { deadband: n.deadband } : {}),
    }));
    const browsed = this.config.browse ? await session.browseSignals(this.config.browse) : [];
    if (this.config.browse && browsed.length === 0) {
      this.log.warn("browse found no signal variables; check browse.rootNodeId, browse.levels and browse.maxDepth against the server's address space", {
        connector: this.context.instanceName,
        endpoint: this.config.endpointUrl,
        browse: this.config.browse,
      });
    }
    const configuredIds = new Set(configured.map((s) => s.nodeId));
    const signals = [...configured, ...browsed.filter((s) => !configuredIds.has(s.nodeId))];
    const described = await session.describe(signals);
    await session.createSubscription(this.config.subscription);
    const deviceId = this.config.deviceId ?? session.server.applicationUri;
    if (this.config.events)
      await this.subscribeEvents(
        session,
        this.config.events,
        deviceId,
        described.map((d) => d.signal),
      );
    let monitored = 0;
    await Promise.all(
      described.map(async ({ signal, numeric }) => {
        const onChange = (dataValue: DataValue) => this.dataChanged(signal, deviceId, dataValue);
        // Deadbands only apply to numeric variables; a text signal (state) is monitored as is.
        const deadband = numeric ? (signal.deadband ?? this.config.deadband) : undefined;
        let result = await session.monitor(signal.nodeId, this.config.subscription, deadband, onChange);
        if (deadband && DEADBAND_REJECTIONS.has(result.statusCode)) {
          // The server cannot filter: the connector applies the same deadband to the unfiltered item itself.
          const client = ClientDeadband.of(deadband, signal.euRange);
          this.counters.deadbandFallbacks++;
          this.log.warn(
            client
              ? `the server rejected the ${deadband.type} deadband on ${signal.nodeId} (${result.statusName}); the connector applies it instead (a change beyond ${client.threshold} ${signal.unit ?? ''} is reported), so every change crosses the network. ` +
                  'Fix: enable deadband filters on the server (percent deadbands need an EURange on the variable).'
              : `the server rejected the percent deadband on ${signal.nodeId} (${result.statusName}) and the variable has no EURange to take a percent of; monitoring it without a deadband, so every change is reported. ` +
                  'Fix: give the variable an EURange on the server, or use deadband.type absolute for this node.',
            { connector: this.context.instanceName, nodeId: signal.nodeId, status: result.statusName, deadband, clientSide: client !== undefined },
          );
          const filtered = client
            ? (dataValue: DataValue) => {
                if (client.passes(dataValue.value.value, dataValue.statusCode.value)) onChange(dataValue);
                else this.counters.clientDeadbandSuppressed++;
              }
            : onChange;
          result = await session.monitor(signal.nodeId, this.config.subscription, undefined, filtered);
        }
        if (result.statusCode !== 0) {
          this.counters.itemsFailed++;
          this.log.warn(`the server refused to monitor ${signal.nodeId} (${result.statusName}); check the node id and the user's access rights`, {
            connector: this.context.instanceName,
            nodeId: signal.nodeId,
            status: result.statusName,
          });
          return;
        }
        monitored++;
      }),
    );
    this.counters.itemsMonitored = monitored;
  }

  /** A refused event item fails the connect: alarms silently missing is worse than a connector shown down. */
  private async subscribeEvents(session: OpcuaClientSession, events: EventsConfig, deviceId: string, signals: SignalNode[]): Promise<void> {
    const bySourceNode = new Map(signals.map((s) => [s.nodeId, s]));
    const result = await session.monitorEvents(events.notifierNodeId, events.queueSize, (fields) => this.eventNotified(fields, deviceId, bySourceNode));
    if (result.statusCode !== 0) {
      throw new Error(
        `the server refused to monitor events on ${events.notifierNodeId} (${result.statusName}); set events.notifierNodeId to an object whose EventNotifier is SubscribeToEvents (i=2253, the Server object, always is)`,
      );
    }
    const refresh = await session.refreshConditions();
    if (refresh !== 'Good') {
      this.log.warn(
        `the server refused ConditionRefresh (${refresh}); conditions raised before this connection show only when they next change. Fix: use a server that supports Alarms & Conditions refresh, or check the gateway user's right to call it.`,
        { connector: this.context.instanceName, endpoint: this.config.endpointUrl, status: refresh },
      );
    }
  }

  private eventNotified(fields: Variant[], deviceId: string, signals: ReadonlyMap<string, SignalNode>): void {
    this.counters.eventsIn++;
    const event = toSourceEvent(fields, deviceId, signals, Date.now());
    if (!event) return;
    if (this.events.length >= this.config.maxBufferedReadings) {
      this.events.shift();
      this.counters.eventsDropped++;
    }
    this.events.push(event);
    this.wakeReader();
  }

  /**
   * Acknowledges the condition at the server with the operator's comment. Not retried: an acknowledgement
   * is an operator's decision on one event, and the caller reports the outcome to them.
   */
  async acknowledgeCondition(request: ConditionAcknowledgement): Promise<void> {
    const session = this.session;
    if (!session || this.lostCause) {
      throw new ConditionAcknowledgeUnavailable(this.context.instanceName, this.config.endpointUrl, this.lostCause ? this.lostCause.message : 'not connected');
    }
    await session.acknowledge(this.config.endpointUrl, request.conditionId, request.eventId, request.comment);
    this.counters.conditionsAcknowledged++;
  }

  private dataChanged(signal: SignalNode, deviceId: string, dataValue: DataValue): void {
    this.counters.dataChangesIn++;
    const mapped = toSourceReading(signal, deviceId, dataValue, Date.now());
    if ('errorClass' in mapped) this.rejects.push(mapped);
    else {
      if (this.buffer.length >= this.config.maxBufferedReadings) {
        this.buffer.shift();
        this.counters.readingsDropped++;
        if (!this.overflowWarned) {
          this.overflowWarned = true;
          this.log.warn(
            `the gateway is not reading fast enough; dropping the oldest readings beyond maxBufferedReadings (${this.config.maxBufferedReadings}). Raise it or fix the downstream stall.`,
            {
              connector: this.context.instanceName,
            },
          );
        }
      }
      this.buffer.push(mapped);
    }
    this.wakeReader();
  }

  private connectionLost(session: OpcuaClientSession, cause: Error): void {
    if (this.session !== session) return;
    this.lostCause = cause;
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async read(signal: AbortSignal): Promise<SourceBatch> {
    for (;;) {
      signal.throwIfAborted();
      // Readings that arrived before a connection loss are delivered before the loss is reported.
      if (this.buffer.length > 0 || this.rejects.length > 0 || this.events.length > 0) return this.takeBatch();
      if (this.closed || !this.session || this.lostCause) {
        throw new NotConnected(this.context.instanceName, this.config.endpointUrl, this.lostCause ? { cause: this.lostCause } : undefined);
      }
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  private takeBatch(): SourceBatch {
    const readings = this.buffer.splice(0, this.config.maxBatchSize);
    const rejects = this.rejects.splice(0, this.config.maxBatchSize);
    const events = this.events.splice(0, this.config.maxBatchSize);
    if (this.buffer.length < this.config.maxBufferedReadings / 2) this.overflowWarned = false;
    let settled = false;
    return {
      readings,
      rejects,
      events,
      ack: async () => {
        if (settled) return;
        settled = true;
        this.counters.readingsOut += readings.length;
      },
      nack: async () => {
        if (settled) return;
        settled = true;
        // OPC UA cannot ask the server again: redeliver from memory, ahead of newer readings.
        this.buffer.unshift(...readings);
        this.rejects.unshift(...rejects);
        this.events.unshift(...events);
        this.wakeReader();
      },
    };
  }

  private async releaseConnection(): Promise<void> {
    const session = this.session;
    const certificateManager = this.certificateManager;
    this.session = undefined;
    this.certificateManager = undefined;
    await session?.close();
    await certificateManager?.dispose();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.releaseConnection();
    this.wakeReader();
  }
}
