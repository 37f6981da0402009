import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { LineageDatasetView, LineageGraphView, Page } from '../../api/types';
import { RequestInvalid } from '../errors';
import { listFilter, matchesSearch, paginate, pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { LineageBoard } from './lineage.board';
import { lineageDatasets, lineageView, resolveDataset } from './lineage.view';

/** The namespaces of the console's own Kafka cluster and ClickHouse server, preferred when a name is ambiguous. */
export const OWN_NAMESPACES = Symbol('OwnNamespaces');

const DATASET_KINDS: readonly LineageDatasetView['kind'][] = ['mqtt', 'opcua', 'topic', 'table'];

@ApiTags('lineage')
@ApiBearerAuth()
@Controller('lineage')
export class LineageController {
  constructor(
    @Inject(LineageBoard) private readonly lineage: LineageBoard,
    @Inject(OWN_NAMESPACES) private readonly ownNamespaces: string[],
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Lineage graph of a dataset or column',
    description:
      'Returns `LineageGraphView` `{ root, nodes, edges }`: upstream to the MQTT topics and OPC UA nodes, downstream to the ClickHouse tables, from `_fieldmesh.lineage`. Node kinds mqtt, opcua, topic, job, table, column. 404 names the candidates when the dataset is unknown or ambiguous.',
  })
  @ApiQuery({ name: 'dataset', description: 'Topic, `database.table`, MQTT topic or OPC UA node id (or `<namespace>/<name>`)', example: 'asset-health.anomaly-scores.v1' })
  @ApiQuery({ name: 'column', required: false, description: 'A field of the dataset, for column-level lineage' })
  graph(@Query('dataset') dataset?: string, @Query('column') column?: string): LineageGraphView {
    if (!dataset) throw new RequestInvalid('dataset', 'is required: name a topic, a ClickHouse table (database.table), an MQTT topic or an OPC UA node id');
    const graph = this.lineage.current();
    return lineageView(graph, resolveDataset(graph, column ? `${dataset}#${column}` : dataset, this.ownNamespaces));
  }

  @Get('datasets')
  @ApiOperation({ summary: 'Datasets lineage knows, paged', description: 'Returns `Page<LineageDatasetView>` to pick a dataset from.' })
  @PAGE_QUERIES
  @ApiQuery({ name: 'kind', required: false, description: 'Comma-separated: mqtt, opcua, topic, table' })
  datasets(@Query('search') search?: string, @Query('page') page?: string, @Query('pageSize') pageSize?: string, @Query('kind') kind?: string): Page<LineageDatasetView> {
    const request = pageRequest({ search, page, pageSize });
    const kinds = listFilter('kind', kind, DATASET_KINDS);
    return paginate(
      lineageDatasets(this.lineage.current()).filter((d) => (!kinds || kinds.includes(d.kind)) && matchesSearch(request.terms, [d.name, d.namespace, ...d.fields])),
      request,
    );
  }
}
