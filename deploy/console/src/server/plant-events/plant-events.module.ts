import { type DynamicModule, Module } from '@nestjs/common';
import { PlantEventsController } from './plant-events.controller';
import { PlantEventsService } from './plant-events.service';

@Module({})
export class PlantEventsModule {
  static with(events: PlantEventsService): DynamicModule {
    return { module: PlantEventsModule, controllers: [PlantEventsController], providers: [{ provide: PlantEventsService, useValue: events }] };
  }
}
