import { join } from 'node:path';
import type { SourceEvent } from '@fieldmesh/connect';
import { loadContract, type LoadedContract } from '@fieldmesh/governance';
import type { AvroSerde } from '@fieldmesh/serde';
import { Counter, type Registry } from 'prom-client';
import type { SegmentLog } from '../buffer/segment-log';
import { resolveWriter } from '../enrich/writer.cache';
import { EventIngestor } from './event.ingestor';

export interface EventsProductOptions {
  root: string;
  /** The events product's contract, relative to root. */
  contractFile: string;
  stateDir: string;
  gatewayId: string;
  serde: AvroSerde;
  log: SegmentLog;
  registry: Registry;
  say: (line: string) => void;
}

/**
 * The events product (plant.telemetry.events.v1) as the gateway publishes it: opened only when a connector's config
 * makes it deliver events, so that a gateway without them neither registers the schema nor needs the topic.
 */
export class EventsProduct {
  private readonly received: Counter<'connector'>;
  private readonly deadLettered: Counter<'connector' | 'error'>;

  private constructor(
    readonly contract: LoadedContract,
    private readonly ingestor: EventIngestor,
    registry: Registry,
  ) {
    this.received = new Counter({
      name: 'fieldmesh_gateway_events_received_total',
      help: 'Events and alarm condition changes received from sources',
      labelNames: ['connector'],
      registers: [registry],
    });
    this.deadLettered = new Counter({
      name: 'fieldmesh_gateway_events_dead_letters_total',
      help: "Events sent to the events product's dead-letter topic",
      labelNames: ['connector', 'error'],
      registers: [registry],
    });
  }

  static async open(options: EventsProductOptions): Promise<EventsProduct> {
    const contract = loadContract(join(options.root, options.contractFile), options.root);
    const topic = contract.contract.kafka.topic;
    const writer = await resolveWriter(options.serde, topic, contract.avroSchema, join(options.stateDir, 'events-writer-schema.json'), (error) =>
      options.say(`registry unreachable (${String(error)}); encoding events with the schema id cached from an earlier start`),
    );
    const ingestor = new EventIngestor({ log: options.log, contract, serde: options.serde, writer, gatewayId: options.gatewayId });
    return new EventsProduct(contract, ingestor, options.registry);
  }

  /** Buffers a batch's events; resolves once they are durable, before the batch is acknowledged to its source. */
  async ingest(connector: string, events: readonly SourceEvent[]): Promise<void> {
    if (events.length === 0) return;
    const outcome = await this.ingestor.ingest(connector, events);
    this.received.inc({ connector }, events.length);
    for (const error of outcome.deadLettered) this.deadLettered.inc({ connector, error });
  }
}
