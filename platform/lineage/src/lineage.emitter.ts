import { randomUUID } from 'node:crypto';
import { loadConfig } from '@fieldmesh/config';
import type { KafkaProducerPort } from '@fieldmesh/kafka';
import { LineageEmitFailed } from './errors';
import { HttpTransport } from './http.transport';
import { lineageEmitterConfigSchema, type LineageEmitterConfig, type LineageEmitterSettings } from './lineage.config';
import { ensureLineageTopic, lineageKey } from './lineage.topic';
import type { EventType, RunEvent } from './openlineage.schema';
import type { Facet } from './openlineage.schema';
import { runEvent, type JobSpec } from './run-event.builder';

/** What a running job may report anew: the datasets it has come to read or write, its facets, its run's state. */
export interface LineageRunUpdate {
  inputs?: JobSpec['inputs'];
  outputs?: JobSpec['outputs'];
  facets?: Record<string, Facet>;
  /** Run facets sent with this and every later event of the run. */
  runFacets?: Record<string, Facet>;
}

/**
 * One run of a job: START when it begins, RUNNING while a streaming job is alive (call it as often as
 * useful, e.g. every few minutes, and when the job comes to read or write new datasets), then COMPLETE,
 * FAIL or ABORT. Each call resolves once the event is delivered everywhere configured, or rejects with
 * LineageEmitFailed.
 */
export class LineageRun {
  readonly runId = randomUUID();
  private current: JobSpec & { namespace: string };
  private runFacets: Record<string, Facet> | undefined;

  constructor(
    private readonly emitter: LineageEmitter,
    job: JobSpec & { namespace: string },
  ) {
    this.current = job;
  }

  /** The job as this run's next event will describe it. */
  get job(): JobSpec & { namespace: string } {
    return this.current;
  }

  start(): Promise<RunEvent> {
    return this.emit('START');
  }

  /**
   * A RUNNING event. With an update, it and every later event of the run describe the job as updated:
   * every event carries the job's full inputs and outputs, so pass them whole, not only what is new.
   */
  running(update: LineageRunUpdate = {}): Promise<RunEvent> {
    this.update(update);
    return this.emit('RUNNING');
  }

  /** Changes how this and later events describe the job without sending one (e.g. before COMPLETE). */
  update(update: LineageRunUpdate): this {
    const { runFacets, inputs, outputs, facets } = update;
    this.current = { ...this.current, ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}), ...(facets ? { facets } : {}) };
    if (runFacets) this.runFacets = { ...this.runFacets, ...runFacets };
    return this;
  }

  complete(): Promise<RunEvent> {
    return this.emit('COMPLETE');
  }

  abort(): Promise<RunEvent> {
    return this.emit('ABORT');
  }

  fail(error: unknown): Promise<RunEvent> {
    return this.emit('FAIL', error);
  }

  private async emit(eventType: EventType, error?: unknown): Promise<RunEvent> {
    const event = runEvent({
      eventType,
      job: this.current,
      runId: this.runId,
      producer: this.emitter.settings.producer,
      error,
      ...(this.runFacets ? { runFacets: this.runFacets } : {}),
    });
    await this.emitter.emit(event);
    return event;
  }
}

/**
 * Publishes OpenLineage run events to the `_fieldmesh.lineage` topic (JSON, keyed by job) and, when
 * configured, to an OpenLineage HTTP endpoint. Lifecycle: connect(), run(job).start() ..., close().
 */
export class LineageEmitter {
  readonly settings: LineageEmitterSettings;
  private readonly http?: HttpTransport;
  private producer: KafkaProducerPort | undefined;
  private connecting: Promise<void> | undefined;

  constructor(config: LineageEmitterConfig) {
    this.settings = loadConfig(lineageEmitterConfigSchema, config, 'Lineage emitter config');
    if (this.settings.httpUrl) this.http = new HttpTransport({ url: this.settings.httpUrl, apiKey: this.settings.apiKey, timeoutMs: this.settings.httpTimeoutMs });
  }

  /** Creates the lineage topic if missing and connects the producer. A no-op for HTTP only. */
  connect(): Promise<void> {
    // Concurrent first emits share one connection attempt; a failed attempt is retried by the next call.
    this.connecting ??= this.openProducer().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async openProducer(): Promise<void> {
    const kafka = this.settings.kafka;
    if (!kafka) return;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureLineageTopic(admin, this.settings.topic, this.settings.replicationFactor);
    } finally {
      await admin.disconnect();
    }
    const producer = kafka.producer();
    await producer.connect();
    this.producer = producer;
  }

  /** A new run of a job; its namespace defaults to the emitter's. */
  run(job: JobSpec): LineageRun {
    return new LineageRun(this, { ...job, namespace: job.namespace ?? this.settings.namespace });
  }

  /** Delivers one event to the topic, then to the HTTP endpoint. */
  async emit(event: RunEvent): Promise<void> {
    if (this.settings.kafka) {
      await this.connect();
      try {
        await this.producer!.send([
          { topic: this.settings.topic, key: lineageKey(event.job), value: Buffer.from(JSON.stringify(event)), headers: { 'content-type': 'application/json' } },
        ]);
      } catch (cause) {
        throw new LineageEmitFailed('kafka', this.settings.topic, lineageKey(event.job), event.eventType ?? 'OTHER', { cause });
      }
    }
    await this.http?.send(event);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect();
  }
}

/** The emitter for a config (validated: a wrong field throws ConfigInvalid naming it). */
export function lineageEmitter(config: LineageEmitterConfig): LineageEmitter {
  return new LineageEmitter(config);
}
