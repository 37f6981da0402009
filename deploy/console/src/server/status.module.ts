import { type DynamicModule, Module } from '@nestjs/common';
import { AlertBoard } from './alerts/alert.board';
import { LineageBoard } from './lineage/lineage.board';
import { SloBoard } from './slo/slo.board';
import { CONSOLE_LINKS, type ConsoleLinks, StatusController } from './status.controller';

@Module({})
export class StatusModule {
  static with(boards: { alerts: AlertBoard; slo: SloBoard; lineage: LineageBoard }, links: ConsoleLinks): DynamicModule {
    return {
      module: StatusModule,
      controllers: [StatusController],
      providers: [
        { provide: AlertBoard, useValue: boards.alerts },
        { provide: SloBoard, useValue: boards.slo },
        { provide: LineageBoard, useValue: boards.lineage },
        { provide: CONSOLE_LINKS, useValue: links },
      ],
    };
  }
}
