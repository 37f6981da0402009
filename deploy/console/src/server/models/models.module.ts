import { type DynamicModule, Module } from '@nestjs/common';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({})
export class ModelsModule {
  static with(models: ModelsService): DynamicModule {
    return { module: ModelsModule, controllers: [ModelsController], providers: [{ provide: ModelsService, useValue: models }] };
  }
}
