import { randomUUID } from 'node:crypto';
import type { Principal } from '@fieldmesh/auth';
import { parseWith } from '@fieldmesh/config';
import { type AcknowledgeConditionCommand, acknowledgeConditionCommandSchema } from '@fieldmesh/connect';
import { Logger } from '@nestjs/common';
import type { ConditionAcknowledgeAccepted, ConditionView } from '../../api/plant-events.types';
import type { Page } from '../../api/types';
import { requireAction } from '../auth/console.auth';
import { ConsoleError, RequestInvalid, ResourceNotFound } from '../errors';
import { matchesSearch, paginate, type PageRequest } from '../http/pagination';
import type { ConditionBoard } from './condition.board';

export interface ConditionFilter {
  /** Only conditions active and not yet acknowledged. */
  unacknowledged?: boolean;
  /** Asset path or a prefix of it. */
  asset?: string;
}

/** The plant's alarm conditions as the API shows them, and the operator's acknowledgement. */
export class PlantEventsService {
  private readonly logger = new Logger('PlantEvents');

  constructor(private readonly board: ConditionBoard) {}

  list(request: PageRequest, filter: ConditionFilter): Page<ConditionView> {
    const matching = this.board
      .list()
      .filter(
        (c) =>
          (!filter.unacknowledged || (c.active === true && c.acked === false)) &&
          (!filter.asset || (c.assetPath ?? '').startsWith(filter.asset)) &&
          matchesSearch(request.terms, [c.conditionId, c.conditionName, c.assetPath, c.signal, c.sourceName, c.message, c.comment]),
      );
    return paginate(matching, request);
  }

  /**
   * alert:act for the events contract's domain (as the alert workflow's steps are role-checked), then the
   * command goes to the gateway that read the condition. 409 when the operator saw an older event than the
   * latest (the condition changed meanwhile) or it is acknowledged already. Every accepted request is
   * logged and stays in the commands topic with the operator's name: the audit trail.
   */
  async acknowledge(conditionId: string, body: unknown, principal: Principal): Promise<ConditionAcknowledgeAccepted> {
    const condition = this.board.get(conditionId);
    if (!condition) throw new ResourceNotFound('condition', conditionId, 'List the conditions with GET /api/plant-events/conditions; the id holds `;` and `=`: URL-encode it.');
    requireAction(principal, 'alert:act', `condition ${conditionId} (${this.board.domain})`, [this.board.domain]);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (b.eventId !== condition.eventId) {
      throw new ConsoleError(
        409,
        `Condition ${conditionId} changed since event ${String(b.eventId)}: its latest event is ${condition.eventId}. Reload the condition and acknowledge what it shows now.`,
      );
    }
    if (condition.acked === true) throw new ConsoleError(409, `Condition ${conditionId} is acknowledged already (${condition.comment ?? 'no comment'}).`);
    const parsed = parseWith(acknowledgeConditionCommandSchema, {
      type: 'acknowledge-condition',
      commandId: randomUUID(),
      gatewayId: condition.gatewayId,
      connector: condition.connector,
      conditionId,
      eventId: condition.eventId,
      comment: b.comment,
      requestedBy: principal.name,
      requestedAt: new Date().toISOString(),
    });
    if (!parsed.ok) {
      const [problem] = parsed.problems;
      throw new RequestInvalid(problem?.path ?? 'comment', problem?.message ?? 'is invalid');
    }
    const command: AcknowledgeConditionCommand = parsed.value;
    await this.board.send(command);
    this.logger.log(`acknowledgement ${command.commandId} of ${conditionId} by ${command.requestedBy} sent to gateway ${command.gatewayId}: ${command.comment}`);
    return { commandId: command.commandId, gatewayId: command.gatewayId, conditionId, requestedBy: command.requestedBy, requestedAt: command.requestedAt };
  }
}
