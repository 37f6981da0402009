import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordFailed, StreamOutput, StreamRecord } from '@fieldmesh/streams';
import { ConsumptionPipeline } from './consumption.pipeline';

/**
 * The consumption-15m product as a Nest module on the streams transport. The handler's topic comes from
 * the pipeline (the contract's upstream), so the controller is declared per pipeline.
 */
@Module({})
export class ConsumptionModule {
  static forPipeline(pipeline: ConsumptionPipeline): DynamicModule {
    @Controller()
    class ConsumptionController {
      constructor(@Inject(ConsumptionPipeline) private readonly consumption: ConsumptionPipeline) {}

      @EventPattern<Record<string, StreamRecord<unknown>[]>>(pipeline.inputTopic)
      onCleanReadings(@Payload() records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> {
        return this.consumption.handle(records);
      }
    }
    return { module: ConsumptionModule, controllers: [ConsumptionController], providers: [{ provide: ConsumptionPipeline, useValue: pipeline }] };
  }
}
