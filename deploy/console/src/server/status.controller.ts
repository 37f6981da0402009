import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConsoleStatus } from '../api/types';
import { AlertBoard } from './alerts/alert.board';
import { LineageBoard } from './lineage/lineage.board';
import { SloBoard } from './slo/slo.board';

/** The registry URL and the warehouse as the console uses them, for the status page. */
export const CONSOLE_LINKS = Symbol('ConsoleLinks');
export type ConsoleLinks = Pick<ConsoleStatus, 'warehouse' | 'registryUrl'>;

@ApiTags('status')
@ApiBearerAuth()
@Controller('status')
export class StatusController {
  constructor(
    @Inject(AlertBoard) private readonly alerts: AlertBoard,
    @Inject(SloBoard) private readonly slo: SloBoard,
    @Inject(LineageBoard) private readonly lineage: LineageBoard,
    @Inject(CONSOLE_LINKS) private readonly links: ConsoleLinks,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'What the console has read from its topics',
    description: 'Returns `ConsoleStatus`: alerts, SLO events and lineage jobs read so far, records skipped, the warehouse and registry in use.',
  })
  status(): ConsoleStatus {
    const graph = this.lineage.current();
    return {
      alerts: { topic: this.alerts.topic, ...this.alerts.stats() },
      slo: { topic: this.slo.topic, ...this.slo.stats() },
      lineage: { topic: this.lineage.topic, jobs: graph.jobs.length, datasets: graph.datasets().length, skipped: graph.skipped },
      ...this.links,
    };
  }
}
