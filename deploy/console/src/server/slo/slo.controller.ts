import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { SloState, SloView } from '../../api/types';
import { listFilter, matchesSearch, pageRequest } from '../http/pagination';
import { SloBoard } from './slo.board';

const STATES: readonly SloState[] = ['ok', 'breached', 'unknown'];
const EVENTS_SHOWN = 100;
const ORDER: Record<SloState, number> = { breached: 0, unknown: 1, ok: 2 };

@ApiTags('slo')
@ApiBearerAuth()
@Controller('slo')
export class SloController {
  constructor(@Inject(SloBoard) private readonly slo: SloBoard) {}

  @Get()
  @ApiOperation({
    summary: 'Live SLO status and recent breaches and recoveries',
    description:
      'Returns `SloView` `{ status, events }`: status per product, SLO and scope (line path or `*`), breached first; the newest 100 events of `_fieldmesh.slo`. Freshness in ms, completeness as a ratio.',
  })
  @ApiQuery({ name: 'product', required: false, description: 'Contract id' })
  @ApiQuery({ name: 'state', required: false, description: 'Comma-separated: ok, breached, unknown' })
  @ApiQuery({ name: 'search', required: false, description: 'Terms matched against product, topic, SLO, scope (line path) and event message' })
  view(@Query('product') product?: string, @Query('state') state?: string, @Query('search') search?: string): SloView {
    const states = listFilter('state', state, STATES);
    const { terms } = pageRequest({ search });
    return {
      status: this.slo
        .status()
        .filter((s) => (!product || s.product === product) && (!states || states.includes(s.state)) && matchesSearch(terms, [s.product, s.topic, s.slo, s.scope]))
        .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.product.localeCompare(b.product) || a.slo.localeCompare(b.slo) || a.scope.localeCompare(b.scope)),
      events: this.slo
        .events()
        .filter((e) => (!product || e.product === product) && matchesSearch(terms, [e.product, e.topic, e.slo, e.scope, e.message]))
        .slice(0, EVENTS_SHOWN),
    };
  }
}
