import { type DynamicModule, Module } from '@nestjs/common';
import { AlertBoard } from '../alerts/alert.board';
import type { DowntimeHours } from './downtime.kpi';
import { DOWNTIME_HOURS, KpisController } from './kpis.controller';

@Module({})
export class KpisModule {
  static with(board: AlertBoard, hours: DowntimeHours): DynamicModule {
    return {
      module: KpisModule,
      controllers: [KpisController],
      providers: [
        { provide: AlertBoard, useValue: board },
        { provide: DOWNTIME_HOURS, useValue: hours },
      ],
    };
  }
}
