import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { StreamOutput, StreamRecord } from '@fieldmesh/streams';
import { AnomalyPipeline } from './anomaly.pipeline';

/** The anomaly operator (scores and alerts) as a Nest module on the streams transport, consuming the features product. */
@Module({})
export class AnomalyScoresModule {
  static forPipeline(pipeline: AnomalyPipeline, featuresTopic: string): DynamicModule {
    @Controller()
    class AnomalyOperatorController {
      constructor(@Inject(AnomalyPipeline) private readonly anomalies: AnomalyPipeline) {}

      @EventPattern<Record<string, StreamRecord<unknown>[]>>(featuresTopic)
      onFeatures(@Payload() records: StreamRecord<unknown>[]): Promise<StreamOutput[]> {
        return this.anomalies.handle(records);
      }
    }
    return { module: AnomalyScoresModule, controllers: [AnomalyOperatorController], providers: [{ provide: AnomalyPipeline, useValue: pipeline }] };
  }
}
