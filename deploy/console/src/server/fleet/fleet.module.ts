import { type DynamicModule, Module } from '@nestjs/common';
import { FleetController } from './fleet.controller';
import { FleetService } from './fleet.service';

@Module({})
export class FleetModule {
  static with(fleet: FleetService): DynamicModule {
    return { module: FleetModule, controllers: [FleetController], providers: [{ provide: FleetService, useValue: fleet }] };
  }
}
