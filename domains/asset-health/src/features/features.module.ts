import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RecordFailed, StreamOutput, StreamRecord } from '@fieldmesh/streams';
import { FeaturesPipeline } from './features.pipeline';

/** The features product as a Nest module on the streams transport; the input topic comes from the pipeline's wiring. */
@Module({})
export class FeaturesModule {
  static forPipeline(pipeline: FeaturesPipeline, inputTopic: string): DynamicModule {
    @Controller()
    class FeaturesController {
      constructor(@Inject(FeaturesPipeline) private readonly features: FeaturesPipeline) {}

      @EventPattern<Record<string, StreamRecord<unknown>[]>>(inputTopic)
      onCleanReadings(@Payload() records: StreamRecord<unknown>[]): Promise<Array<StreamOutput | RecordFailed>> {
        return this.features.handle(records);
      }
    }
    return { module: FeaturesModule, controllers: [FeaturesController], providers: [{ provide: FeaturesPipeline, useValue: pipeline }] };
  }
}
