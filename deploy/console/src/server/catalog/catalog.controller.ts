import type { Principal } from '@fieldmesh/auth';
import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Page, ProductDetail, ProductSummary, SampleQueryResult } from '../../api/types';
import { Authorization, Caller, requireAction } from '../auth/console.auth';
import { pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { CatalogService } from './catalog.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('catalog')
export class CatalogController {
  constructor(@Inject(CatalogService) private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({
    summary: 'Data products, paged',
    description: 'Returns `Page<ProductSummary>`. `search` matches id, product, domain, topic, purpose, owner and field names (every term).',
  })
  @PAGE_QUERIES
  @ApiQuery({ name: 'domain', required: false, description: 'Only products of this domain' })
  @ApiQuery({
    name: 'site',
    required: false,
    description: 'Only products carrying readings of this site (the second level of asset paths, e.g. `hamburg`), each with its SLO state at that site',
  })
  list(
    @Query('search') search?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
    @Query('domain') domain?: string,
    @Query('site') site?: string,
  ): Promise<Page<ProductSummary>> {
    return this.catalog.list(pageRequest({ search, page, pageSize }), { ...(domain ? { domain } : {}), ...(site ? { site } : {}) });
  }

  @Get('sites')
  @ApiOperation({ summary: 'Sites and how many products carry their readings', description: 'Returns `{ site, products }[]`, from the SLO scopes, for the site filter.' })
  sites(): Promise<{ site: string; products: number }[]> {
    return this.catalog.sites();
  }

  @Get('domains')
  @ApiOperation({ summary: 'Domains and their product counts', description: 'Returns `{ domain, products }[]`, for the domain filter.' })
  domains(): Promise<{ domain: string; products: number }[]> {
    return this.catalog.domains();
  }

  @Get(':contractId')
  @ApiOperation({
    summary: 'One data product',
    description:
      'Returns `ProductDetail`: owner, description, fields (doc, unit, classification, masking), Avro schema, SLO status, retention in Kafka and ClickHouse, throughput (msgs/s from end offsets), registry subject and versions, ClickHouse table and sample query.',
  })
  @ApiParam({ name: 'contractId', example: 'asset-health.anomaly-scores' })
  detail(@Param('contractId') contractId: string, @Authorization() authorization: string | undefined): Promise<ProductDetail> {
    return this.catalog.detail(contractId, authorization);
  }

  @Post(':contractId/sample-query')
  @HttpCode(200)
  @ApiOperation({
    summary: "Runs the product's sample query in ClickHouse (warehouse:query)",
    description: 'Returns `SampleQueryResult` `{ sql, columns, rows, elapsedMs }`: the newest 20 rows. 403 for roles without warehouse:query (operator, service).',
  })
  @ApiParam({ name: 'contractId', example: 'plant-telemetry.clean' })
  async sampleQuery(@Param('contractId') contractId: string, @Caller() principal: Principal): Promise<SampleQueryResult> {
    requireAction(principal, 'warehouse:query', contractId);
    return this.catalog.sampleQuery(contractId);
  }

  @Get(':contractId/consumer-example')
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: 'Copy-paste TypeScript consumer of the product',
    description: "kafkajs + @kafkajs/confluent-schema-registry, with this deployment's brokers and registry.",
  })
  @ApiParam({ name: 'contractId', example: 'asset-health.anomaly-scores' })
  consumerExample(@Param('contractId') contractId: string): Promise<string> {
    return this.catalog.consumerExample(contractId);
  }
}
