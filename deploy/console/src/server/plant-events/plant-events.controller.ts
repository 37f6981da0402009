import type { Principal } from '@fieldmesh/auth';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ConditionAcknowledgeAccepted, ConditionView } from '../../api/plant-events.types';
import type { Page } from '../../api/types';
import { Caller } from '../auth/console.auth';
import { pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { PlantEventsService } from './plant-events.service';

@ApiTags('plant-events')
@ApiBearerAuth()
@Controller('plant-events')
export class PlantEventsController {
  constructor(@Inject(PlantEventsService) private readonly events: PlantEventsService) {}

  @Get('conditions')
  @ApiOperation({
    summary: 'Alarm conditions of the plant, most severe first, paged',
    description:
      'Returns `Page<ConditionView>`, each condition as its latest event in `plant.telemetry.events.v1`. `search` matches condition, asset, signal, message and comment.',
  })
  @PAGE_QUERIES
  @ApiQuery({ name: 'unacknowledged', required: false, description: '`true`: only conditions active and not acknowledged' })
  @ApiQuery({ name: 'asset', required: false, description: 'Asset path or a prefix of it' })
  list(
    @Query('unacknowledged') unacknowledged?: string,
    @Query('asset') asset?: string,
    @Query('search') search?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ): Page<ConditionView> {
    return this.events.list(pageRequest({ search, page, pageSize }), { unacknowledged: unacknowledged === 'true', ...(asset ? { asset } : {}) });
  }

  @Post('conditions/:conditionId/acknowledge')
  @HttpCode(202)
  @ApiOperation({
    summary: "Acknowledges an alarm condition at the plant with the operator's comment (alert:act, operator)",
    description:
      "Sends an `acknowledge-condition` command to the gateway that read the condition (topic `_fieldmesh.gateway-commands`, keyed by gateway id, with the caller as `requestedBy`); the gateway calls the OPC UA Acknowledge method with the comment. 202: accepted; the condition's next event in `plant.telemetry.events.v1` shows it acknowledged. 403 without alert:act for the events' domain; 409 when the condition changed since `eventId` or is acknowledged already.",
  })
  @ApiParam({ name: 'conditionId', description: 'OPC UA node id of the condition, URL-encoded', example: 'ns%3D1%3Bs%3Dberlin.line-1.compressor-1.bearing_temperature_high' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['eventId', 'comment'],
      properties: { eventId: { type: 'string', description: 'The latest event the operator saw (ConditionView.eventId)' }, comment: { type: 'string', maxLength: 1000 } },
    },
  })
  acknowledge(@Param('conditionId') conditionId: string, @Body() body: unknown, @Caller() principal: Principal): Promise<ConditionAcknowledgeAccepted> {
    return this.events.acknowledge(conditionId, body, principal);
  }
}
