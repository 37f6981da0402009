import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordFailed, StreamOutput, StreamRecord } from '@fieldmesh/streams';
import { CleanPipeline } from './clean.pipeline';

/**
 * The clean product as a Nest module on the streams transport. The handler's topic comes from the
 * pipeline (the contract's upstream), so the controller is declared per pipeline instead of naming the
 * topic by hand.
 */
@Module({})
export class CleanModule {
  static forPipeline(pipeline: CleanPipeline): DynamicModule {
    @Controller()
    class CleanController {
      constructor(@Inject(CleanPipeline) private readonly clean: CleanPipeline) {}

      @EventPattern<Record<string, StreamRecord<unknown>[]>>(pipeline.inputTopic)
      onRawReadings(@Payload() records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> {
        return this.clean.handle(records);
      }
    }
    return { module: CleanModule, controllers: [CleanController], providers: [{ provide: CleanPipeline, useValue: pipeline }] };
  }
}
