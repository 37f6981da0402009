import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { DuplicateTopicHandler, NoTopicHandlers, type RecordFailed } from './errors';
import { runStreamJob, type StreamJob, type StreamJobOptions, type StreamJobStats } from './stream-job';
import type { StreamHandler } from './stream-handler.types';
import type { StreamOutput, StreamRecord } from './stream.types';
import { StreamsContext } from './streams.context';

/** runStreamJob's options without inputs and handler: those come from the app's @EventPattern handlers. */
export type StreamsTransportOptions = Omit<StreamJobOptions, 'inputs' | 'handler'>;

/**
 * A NestJS microservice transport on the stream runtime. Each `@EventPattern('<topic>')` handler is an
 * input topic; it receives the batch's records of its topic (`StreamRecord[]`, in offset order per
 * partition) and returns or resolves the outputs (`StreamOutput[]`, RecordFailed entries allowed). Its
 * records are committed only after all outputs of the batch are acknowledged. A handler that throws is
 * run again record by record and the records that fail alone go to the DLQ (see StreamHandler).
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(AppModule, { strategy: new StreamsTransport({ name, kafka, serde, groupId, outputs }) });
 * await app.listen();
 * ```
 */
export class StreamsTransport extends Server implements CustomTransportStrategy {
  // Errors must reach the runtime (DLQ or replay), not stop at Nest's exception filter.
  override readonly propagatesEventHandlerErrors = true;
  private job: StreamJob | undefined;

  constructor(private readonly options: StreamsTransportOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      const topics = this.inputTopics();
      this.job = await runStreamJob({ ...this.options, inputs: topics, handler: this.handler() });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * The app's handlers as one StreamHandler, once the app is initialised (`app.init()`): give it to a
   * TestDriver to test a Nest domain app in memory.
   */
  handler(): StreamHandler {
    return (records) => this.dispatch(records);
  }

  /** Runtime counters, or undefined before listen(). */
  stats(): StreamJobStats | undefined {
    return this.job?.stats();
  }

  async close(): Promise<void> {
    const job = this.job;
    this.job = undefined;
    await job?.close();
  }

  on(): never {
    throw new Error('StreamsTransport emits no events; read stats() instead.');
  }

  unwrap<T>(): T {
    return this.job as T;
  }

  private inputTopics(): string[] {
    const topics: string[] = [];
    for (const [pattern, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) continue;
      if (topics.includes(pattern)) throw new DuplicateTopicHandler(pattern);
      topics.push(pattern);
    }
    if (topics.length === 0) throw new NoTopicHandlers(this.options.name);
    return topics;
  }

  private async dispatch(records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> {
    const results: Array<StreamOutput | RecordFailed> = [];
    for (const [topic, ofTopic] of byTopic(records)) {
      const handler = this.getHandlerByPattern(topic);
      if (!handler) continue;
      const returned: unknown = await handler(ofTopic, new StreamsContext([topic, ofTopic]));
      const outputs = (isObservableLike(returned) ? await lastValueFrom(this.transformToObservable(returned), { defaultValue: [] }) : returned) as
        Array<StreamOutput | RecordFailed> | undefined;
      if (outputs) for (const output of outputs) results.push(output);
    }
    return results;
  }
}

/** Records grouped by topic, each group in batch order: the per-partition offset order is kept. */
function byTopic(records: StreamRecord<unknown>[]): Map<string, StreamRecord<unknown>[]> {
  const groups = new Map<string, StreamRecord<unknown>[]>();
  for (const record of records) {
    const group = groups.get(record.topic);
    if (group) group.push(record);
    else groups.set(record.topic, [record]);
  }
  return groups;
}

function isObservableLike(value: unknown): value is { subscribe: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { subscribe?: unknown }).subscribe === 'function';
}
