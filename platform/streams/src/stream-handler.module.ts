import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordFailed } from './errors';
import type { StreamHandler } from './stream-handler.types';
import type { StreamOutput, StreamRecord } from './stream.types';

/**
 * A Nest module with one event handler: the batches of `topic` go to `handler`. A data product's job is
 * this module around its pipeline (see @fieldmesh/products); the topic is known only at run time (the
 * contract's upstream, or a test's own), so the controller is declared per call.
 */
@Module({})
export class StreamHandlerModule {
  static forTopic(topic: string, handler: StreamHandler): DynamicModule {
    return StreamHandlerModule.forTopics([topic], handler);
  }

  /** The batches of every one of `topics` go to `handler` (a job reading two versions of its input product), each batch of one topic. */
  static forTopics(topics: readonly string[], handler: StreamHandler): DynamicModule {
    const controllers = topics.map((topic) => {
      @Controller()
      class TopicController {
        @EventPattern<Record<string, StreamRecord<unknown>[]>>(topic)
        onRecords(@Payload() records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> {
          return handler(records);
        }
      }
      return TopicController;
    });
    return { module: StreamHandlerModule, controllers };
  }
}
