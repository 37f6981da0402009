import { type DynamicModule, Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

@Module({})
export class AlertsModule {
  static with(alerts: AlertsService): DynamicModule {
    return { module: AlertsModule, controllers: [AlertsController], providers: [{ provide: AlertsService, useValue: alerts }] };
  }
}
