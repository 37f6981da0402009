import type { Principal } from '@fieldmesh/auth';
import { ALERT_EVENT_TYPES } from '@fieldmesh/domain-asset-health/alert-workflow';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AlertDetail, AlertSummary, Page } from '../../api/types';
import { Caller } from '../auth/console.auth';
import { listFilter, pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { AlertsService } from './alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(@Inject(AlertsService) private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Alerts, newest first, paged',
    description: 'Returns `Page<AlertSummary>`, folded from `asset-health.alerts.v1`. `search` matches alert id, asset, class, status, diagnosis, work order and model.',
  })
  @PAGE_QUERIES
  @ApiQuery({ name: 'status', required: false, description: `Comma-separated: ${ALERT_EVENT_TYPES.join(', ')}` })
  @ApiQuery({ name: 'asset', required: false, description: 'Asset path or a prefix of it' })
  @ApiQuery({ name: 'line', required: false, description: 'Line path or a prefix of it' })
  @ApiQuery({ name: 'assetClass', required: false })
  @ApiQuery({ name: 'site', required: false, description: 'Only alerts of this site (the second level of the asset path, e.g. `hamburg`)' })
  list(
    @Query('status') status?: string,
    @Query('asset') asset?: string,
    @Query('line') line?: string,
    @Query('assetClass') assetClass?: string,
    @Query('site') site?: string,
    @Query('search') search?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ): Page<AlertSummary> {
    const statuses = listFilter('status', status, ALERT_EVENT_TYPES);
    return this.alerts.list(pageRequest({ search, page, pageSize }), {
      ...(statuses ? { status: statuses } : {}),
      ...(asset ? { asset } : {}),
      ...(line ? { line } : {}),
      ...(assetClass ? { assetClass } : {}),
      ...(site ? { site } : {}),
    });
  }

  @Get(':alertId')
  @ApiOperation({
    summary: 'One alert with history, evidence and signals',
    description:
      "Returns `AlertDetail`: history, evidence (score, threshold, contributing features, model), the asset's signals around the onset from ClickHouse (`signalsFrom` says the table and range), and the steps allowed next. The id holds `/` and `@`: URL-encode it.",
  })
  @ApiParam({ name: 'alertId', description: '`<assetPath>@<onset ms>`, URL-encoded', example: 'acme%2Fberlin%2Fpress-shop%2Fline-1%2Fpump-1%401763770000000' })
  detail(@Param('alertId') alertId: string): Promise<AlertDetail> {
    return this.alerts.detail(alertId);
  }

  @Post(':alertId/actions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Takes a workflow step on an alert (alert:act, operator)',
    description:
      "Acknowledge → Diagnose → Dispatch → Verify → Close (or close early with a note). Validated by the asset-health AlertService, produced as an AlertEvent to `asset-health.alerts.v1` (by = the caller), and returns the updated `AlertDetail`. 403 without alert:act for the alerts' domain; 409 when the workflow refuses the step.",
  })
  @ApiParam({ name: 'alertId', description: '`<assetPath>@<onset ms>`, URL-encoded' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['action'],
      properties: {
        action: { type: 'string', enum: ALERT_EVENT_TYPES.filter((t) => t !== 'OPENED') },
        note: { type: 'string', description: 'Required to close before VERIFIED' },
        diagnosis: { type: 'string', description: 'Required for DIAGNOSED' },
        workOrderId: { type: 'string', description: 'Required for DISPATCHED' },
      },
    },
  })
  act(@Param('alertId') alertId: string, @Body() body: unknown, @Caller() principal: Principal): Promise<AlertDetail> {
    return this.alerts.act(alertId, body, principal);
  }
}
