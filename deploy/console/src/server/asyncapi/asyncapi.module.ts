import { type DynamicModule, Module } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { AsyncApiController } from './asyncapi.controller';

/** The AsyncAPI document, generated from the same contracts the catalog shows. */
@Module({})
export class AsyncApiModule {
  static with(catalog: CatalogService): DynamicModule {
    return { module: AsyncApiModule, controllers: [AsyncApiController], providers: [{ provide: CatalogService, useValue: catalog }] };
  }
}
