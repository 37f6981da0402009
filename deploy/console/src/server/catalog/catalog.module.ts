import { type DynamicModule, Module } from '@nestjs/common';
import { CatalogController } from './catalog.controller';
import { CatalogService } from './catalog.service';

@Module({})
export class CatalogModule {
  static with(catalog: CatalogService): DynamicModule {
    return { module: CatalogModule, controllers: [CatalogController], providers: [{ provide: CatalogService, useValue: catalog }] };
  }
}
