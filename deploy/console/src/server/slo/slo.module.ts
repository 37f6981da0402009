import { type DynamicModule, Module } from '@nestjs/common';
import { SloBoard } from './slo.board';
import { SloController } from './slo.controller';

@Module({})
export class SloModule {
  static with(slo: SloBoard): DynamicModule {
    return { module: SloModule, controllers: [SloController], providers: [{ provide: SloBoard, useValue: slo }] };
  }
}
