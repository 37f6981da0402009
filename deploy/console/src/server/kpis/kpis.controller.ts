import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Kpis } from '../../api/types';
import { AlertBoard } from '../alerts/alert.board';
import { matchesSearch, paginate, pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { DOWNTIME_FORMULA, downtimeAvoided, type DowntimeHours } from './downtime.kpi';

export const DOWNTIME_HOURS = Symbol('DowntimeHours');

@ApiTags('kpis')
@ApiBearerAuth()
@Controller('kpis')
export class KpisController {
  constructor(
    @Inject(AlertBoard) private readonly board: AlertBoard,
    @Inject(DOWNTIME_HOURS) private readonly hours: DowntimeHours,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Downtime avoided per asset and per line', description: `Returns \`Kpis\`; pages, search and line filter apply to \`perAsset\`. ${DOWNTIME_FORMULA}` })
  @PAGE_QUERIES
  @ApiQuery({ name: 'line', required: false, description: 'Line path or a prefix of it' })
  kpis(@Query('line') line?: string, @Query('search') search?: string, @Query('page') page?: string, @Query('pageSize') pageSize?: string): Kpis {
    const request = pageRequest({ search, page, pageSize });
    const all = downtimeAvoided(this.board.list(), this.hours);
    const assets = all.perAsset.filter((row) => (!line || row.line.startsWith(line)) && matchesSearch(request.terms, [row.key, row.assetClass]));
    return { ...all, perLine: all.perLine.filter((row) => !line || row.line.startsWith(line)), perAsset: paginate(assets, request) };
  }
}
