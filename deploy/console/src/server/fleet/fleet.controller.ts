import type { Principal } from '@fieldmesh/auth';
import { DIAGNOSTIC_COMMAND_TYPES } from '@fieldmesh/connect';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FleetCommandAccepted, FleetCommandStatus, GatewayDetail, GatewayView, RolloutView } from '../../api/fleet.types';
import type { Page } from '../../api/types';
import { Caller } from '../auth/console.auth';
import { pageRequest } from '../http/pagination';
import { PAGE_QUERIES } from '../http/swagger.docs';
import { FleetService } from './fleet.service';

@ApiTags('fleet')
@ApiBearerAuth()
@Controller('fleet')
export class FleetController {
  constructor(@Inject(FleetService) private readonly fleet: FleetService) {}

  @Get('gateways')
  @ApiOperation({
    summary: 'Every gateway with its last heartbeat, state and buffer, silent ones first, paged',
    description:
      'Returns `Page<GatewayView>` from the heartbeats on `_fieldmesh.gateway-replies`. A gateway is `silent` when its last heartbeat is older than twice its interval. `search` matches gateway id and connector names.',
  })
  @PAGE_QUERIES
  list(@Query('search') search?: string, @Query('page') page?: string, @Query('pageSize') pageSize?: string): Page<GatewayView> {
    return this.fleet.list(pageRequest({ search, page, pageSize }));
  }

  @Get('rollouts')
  @ApiOperation({
    summary: 'Rollouts of gateway desired states, newest first, with every step, paged',
    description:
      'Returns `Page<RolloutView>` from `_fieldmesh.fleet-rollouts`, the audit trail `fieldmesh fleet rollout|rollback` writes: who signed, each gateway published, each health gate passed or failed, rolled back, completed or stopped. `search` matches rollout id, operator and gateway ids.',
  })
  @PAGE_QUERIES
  rollouts(@Query('search') search?: string, @Query('page') page?: string, @Query('pageSize') pageSize?: string): Page<RolloutView> {
    return this.fleet.rollouts(pageRequest({ search, page, pageSize }));
  }

  @Get('gateways/:gatewayId')
  @ApiOperation({
    summary: "A gateway's last heartbeat and its latest answers to operators' commands, newest first",
    description: 'Returns `GatewayDetail`; 404 for a gateway that never sent a heartbeat.',
  })
  @ApiParam({ name: 'gatewayId', example: 'gw-berlin-1' })
  get(@Param('gatewayId') gatewayId: string): GatewayDetail {
    return this.fleet.get(gatewayId);
  }

  @Post('gateways/:gatewayId/commands')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Sends a diagnostic command to a gateway (alert:act, operator of the plant telemetry)',
    description:
      "Writes the command to `_fieldmesh.gateway-commands`, keyed by gateway id, with the caller as `requestedBy`: health, metrics-snapshot (its Prometheus metrics), log-tail (`lines`), effective-config (secrets redacted), buffer-state, reconnect-connector (`connector`). 202 with the command id; its answer shows at `GET /api/fleet/commands/{commandId}` and in the gateway's detail. 403 without alert:act for a domain the gateways publish; 404 for a gateway that never sent a heartbeat; 400 names a bad field.",
  })
  @ApiParam({ name: 'gatewayId', example: 'gw-berlin-1' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: [...DIAGNOSTIC_COMMAND_TYPES] },
        lines: { type: 'integer', minimum: 1, maximum: 1000, description: 'log-tail only' },
        connector: { type: 'string', description: 'reconnect-connector only' },
      },
    },
  })
  command(@Param('gatewayId') gatewayId: string, @Body() body: unknown, @Caller() principal: Principal): Promise<FleetCommandAccepted> {
    return this.fleet.command(gatewayId, body, principal);
  }

  @Get('commands/:commandId')
  @ApiOperation({
    summary: 'A command sent through this console and its answer (null until the gateway answers)',
    description: 'Returns `FleetCommandStatus`; 404 for a command this console did not send.',
  })
  @ApiParam({ name: 'commandId', format: 'uuid' })
  status(@Param('commandId') commandId: string): FleetCommandStatus {
    return this.fleet.status(commandId);
  }
}
