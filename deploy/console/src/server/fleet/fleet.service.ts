import { randomUUID } from 'node:crypto';
import type { Principal } from '@fieldmesh/auth';
import { parseWith } from '@fieldmesh/config';
import { type DiagnosticCommand, diagnosticCommandSchema, type GatewayHeartbeat } from '@fieldmesh/connect';
import { Logger } from '@nestjs/common';
import type { FleetCommandAccepted, FleetCommandStatus, GatewayDetail, GatewayView, RolloutView } from '../../api/fleet.types';
import type { Page } from '../../api/types';
import { requireAction } from '../auth/console.auth';
import { RequestInvalid, ResourceNotFound } from '../errors';
import { matchesSearch, paginate, type PageRequest } from '../http/pagination';
import type { FleetBoard } from './fleet.board';

/** Commands this console sent and still shows the status of. */
const SENT_KEPT = 500;

/**
 * The fleet page's API: every gateway's last heartbeat and answers, and the operators' diagnostic commands.
 * A command needs alert:act for a domain whose products the gateways publish (an operator of the plant's
 * telemetry, as for acknowledging its alarms); it goes out with the operator's name, is logged here, and
 * stays in the commands topic with the gateway's answer beside it in the replies topic: the audit trail.
 */
export class FleetService {
  private readonly logger = new Logger('Fleet');
  private readonly sent = new Map<string, FleetCommandAccepted>();

  constructor(
    private readonly board: FleetBoard,
    /** The domains of the products gateways publish (contracts without upstream). */
    private readonly domains: readonly string[],
    private readonly clock: () => number = Date.now,
  ) {}

  list(request: PageRequest): Page<GatewayView> {
    const gateways = this.board
      .gateways()
      .map((heartbeat) => this.view(heartbeat))
      .filter((g) => matchesSearch(request.terms, [g.gatewayId, ...Object.keys(g.connectors)]))
      .sort((a, b) => Number(b.silent) - Number(a.silent) || a.state.localeCompare(b.state) || a.gatewayId.localeCompare(b.gatewayId));
    return paginate(gateways, request);
  }

  /** Rollouts of desired states, newest first, paged; `search` matches the rollout id, the operator and the gateways. */
  rollouts(request: PageRequest): Page<RolloutView> {
    const rollouts = this.board.rollouts().filter((r) => matchesSearch(request.terms, [r.rolloutId, r.by, ...r.steps.flatMap((s) => (s.gatewayId ? [s.gatewayId] : []))]));
    return paginate(rollouts, request);
  }

  get(gatewayId: string): GatewayDetail {
    return { ...this.view(this.heartbeatOf(gatewayId)), answers: this.board.answersOf(gatewayId) };
  }

  async command(gatewayId: string, body: unknown, principal: Principal): Promise<FleetCommandAccepted> {
    requireAction(principal, 'alert:act', `gateway ${gatewayId}`, [...this.domains]);
    this.heartbeatOf(gatewayId);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const parsed = parseWith(diagnosticCommandSchema, {
      ...b,
      commandId: randomUUID(),
      gatewayId,
      requestedBy: principal.name,
      requestedAt: new Date(this.clock()).toISOString(),
    });
    if (!parsed.ok) {
      const [problem] = parsed.problems;
      throw new RequestInvalid(problem?.path ?? 'type', problem?.message ?? 'is invalid');
    }
    const command: DiagnosticCommand = parsed.value;
    await this.board.send(command);
    this.logger.log(
      `${command.type} ${command.commandId} by ${command.requestedBy} sent to gateway ${gatewayId}${command.type === 'reconnect-connector' ? ` (connector ${command.connector})` : ''}`,
    );
    const accepted: FleetCommandAccepted = { commandId: command.commandId, gatewayId, type: command.type, requestedBy: command.requestedBy, requestedAt: command.requestedAt };
    this.sent.set(command.commandId, accepted);
    if (this.sent.size > SENT_KEPT) this.sent.delete(this.sent.keys().next().value!);
    return accepted;
  }

  /** A command this console sent, with the gateway's answer once it has come (null until then). */
  status(commandId: string): FleetCommandStatus {
    const accepted = this.sent.get(commandId);
    if (!accepted) throw new ResourceNotFound('command', commandId, 'Only commands sent through this console since it started are tracked; the replies topic holds every answer.');
    return { ...accepted, answer: this.board.answerTo(commandId) ?? null };
  }

  private heartbeatOf(gatewayId: string): GatewayHeartbeat {
    const heartbeat = this.board.heartbeat(gatewayId);
    if (!heartbeat) throw new ResourceNotFound('gateway', gatewayId, 'A gateway shows once it sends heartbeats: its config needs `commands` (see the edge-gateway README).');
    return heartbeat;
  }

  private view(heartbeat: GatewayHeartbeat): GatewayView {
    const silent = this.clock() - Date.parse(heartbeat.sentAt) > 2 * heartbeat.intervalSeconds * 1000;
    return {
      gatewayId: heartbeat.gatewayId,
      lastHeartbeat: heartbeat.sentAt,
      silent,
      state: heartbeat.state,
      uplink: heartbeat.uplink,
      connectors: heartbeat.connectors,
      buffer: heartbeat.buffer,
      startedAt: heartbeat.startedAt,
      intervalSeconds: heartbeat.intervalSeconds,
      desiredState: heartbeat.desiredState ?? null,
    };
  }
}
