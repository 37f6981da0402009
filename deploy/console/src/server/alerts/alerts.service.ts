import type { Principal } from '@fieldmesh/auth';
import { ALERT_EVENT_TYPES, type AlertAction, type AlertEvent, type AlertView } from '@fieldmesh/domain-asset-health/alert-workflow';
import type { AlertActionRequest, AlertDetail, AlertEventView, AlertSummary, Page } from '../../api/types';
import { requireAction } from '../auth/console.auth';
import { RequestInvalid } from '../errors';
import { lineOf } from '../kpis/downtime.kpi';
import { matchesSearch, paginate, type PageRequest } from '../http/pagination';
import { siteOfPath } from '../catalog/site.filter';
import type { AlertBoard } from './alert.board';
import type { SignalStore } from './signal.store';

export interface AlertFilter {
  status?: AlertView['status'][];
  /** Asset path or a prefix of it. */
  asset?: string;
  /** Line path or a prefix of it. */
  line?: string;
  assetClass?: string;
  /** The site, the second level of the asset path (`hamburg`). */
  site?: string;
}

const ACTIONS = ALERT_EVENT_TYPES.filter((t): t is AlertAction => t !== 'OPENED');

function eventView(e: AlertEvent): AlertEventView {
  return { eventId: e.eventId, type: e.type, at: e.at.toISOString(), by: e.by, note: e.note, diagnosis: e.diagnosis, workOrderId: e.workOrderId };
}

export function alertSummary(alert: AlertView): AlertSummary {
  return {
    alertId: alert.alertId,
    assetPath: alert.assetPath,
    assetClass: alert.assetClass,
    line: lineOf(alert.assetPath),
    status: alert.status,
    openedAt: alert.openedAt.toISOString(),
    onset: alert.onset?.toISOString() ?? null,
    updatedAt: (alert.history.at(-1)?.at ?? alert.openedAt).toISOString(),
    score: alert.score,
    modelName: alert.modelName,
    modelVersion: alert.modelVersion,
    diagnosis: alert.diagnosis,
    workOrderId: alert.workOrderId,
  };
}

/** The alert board as the API shows it: filtered pages, details with evidence and signals, and steps. */
export class AlertsService {
  constructor(
    private readonly board: AlertBoard,
    private readonly signals: SignalStore,
  ) {}

  list(request: PageRequest, filter: AlertFilter): Page<AlertSummary> {
    const matching = this.board
      .list()
      .filter(
        (a) =>
          (!filter.status || filter.status.includes(a.status)) &&
          (!filter.asset || a.assetPath.startsWith(filter.asset)) &&
          (!filter.line || lineOf(a.assetPath).startsWith(filter.line)) &&
          (!filter.assetClass || a.assetClass === filter.assetClass) &&
          (!filter.site || siteOfPath(a.assetPath) === filter.site) &&
          matchesSearch(request.terms, [a.alertId, a.assetPath, a.assetClass, a.status, a.diagnosis, a.workOrderId, a.modelName]),
      );
    const page = paginate(matching, request);
    return { ...page, items: page.items.map(alertSummary) };
  }

  async detail(alertId: string): Promise<AlertDetail> {
    const alert = this.board.get(alertId);
    const opened = alert.history.find((e) => e.type === 'OPENED');
    const onset = alert.onset ?? alert.openedAt;
    return {
      ...alertSummary(alert),
      history: alert.history.map(eventView),
      evidence: {
        score: alert.score,
        threshold: opened?.threshold ?? null,
        contributors: [...alert.contributors],
        model: alert.modelName && alert.modelVersion ? { name: alert.modelName, version: alert.modelVersion } : null,
      },
      ...(await this.signals.around(alert.assetPath, onset)),
      nextActions: this.board.nextActions(alert),
    };
  }

  /**
   * alert:act for the alerts contract's domain; the workflow then validates the step (409 if refused). The asset's
   * line is not a grant: token domains are data-domain names, and a short asset path's "line" (`energy/meter-1`
   * → `energy`) would read as one, letting another domain's operator act.
   */
  async act(alertId: string, body: unknown, principal: Principal): Promise<AlertDetail> {
    const request = parseAction(body);
    this.board.get(alertId); // 404 for an unknown alert, as before
    requireAction(principal, 'alert:act', `alert ${alertId} (${this.board.domain})`, [this.board.domain]);
    await this.board.act(alertId, request, principal.name);
    return this.detail(alertId);
  }
}

function parseAction(body: unknown): AlertActionRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.action !== 'string' || !(ACTIONS as readonly string[]).includes(b.action)) throw new RequestInvalid('action', `must be one of ${ACTIONS.join(', ')}`);
  for (const field of ['note', 'diagnosis', 'workOrderId'] as const) {
    if (b[field] !== undefined && typeof b[field] !== 'string') throw new RequestInvalid(field, 'must be a string');
  }
  return {
    action: b.action as AlertAction,
    ...(typeof b.note === 'string' ? { note: b.note } : {}),
    ...(typeof b.diagnosis === 'string' ? { diagnosis: b.diagnosis } : {}),
    ...(typeof b.workOrderId === 'string' ? { workOrderId: b.workOrderId } : {}),
  };
}
