import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { stringify as toYaml } from 'yaml';
import { CatalogService } from '../catalog/catalog.service';

@ApiTags('asyncapi')
@ApiBearerAuth()
@Controller()
export class AsyncApiController {
  constructor(@Inject(CatalogService) private readonly catalog: CatalogService) {}

  @Get('asyncapi.json')
  @ApiOperation({
    summary: 'AsyncAPI 3.0 document of every product',
    description: 'Channels = topics, messages = Avro schemas, owners, Kafka bindings; generated from the contracts.',
  })
  @ApiOkResponse({ description: 'AsyncAPI 3.0.0 document (JSON)' })
  asyncApiJson(): Promise<object> {
    return this.catalog.asyncApi();
  }

  @Get('asyncapi.yaml')
  @Header('content-type', 'application/yaml; charset=utf-8')
  @ApiProduces('application/yaml')
  @ApiOperation({ summary: 'AsyncAPI 3.0 document of every product, as YAML' })
  async asyncApiYaml(): Promise<string> {
    return toYaml(await this.catalog.asyncApi());
  }
}
