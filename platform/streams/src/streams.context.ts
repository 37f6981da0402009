import { BaseRpcContext } from '@nestjs/microservices';
import type { StreamRecord } from './stream.types';

type StreamsContextArgs = [topic: string, records: StreamRecord<unknown>[]];

/** The `@Ctx()` of a streams event handler: which topic the batch came from. */
export class StreamsContext extends BaseRpcContext<StreamsContextArgs> {
  getTopic(): string {
    return this.args[0];
  }

  /** The batch's records of this topic (the same array as the payload). */
  getRecords(): StreamRecord<unknown>[] {
    return this.args[1];
  }
}
