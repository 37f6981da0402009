import { AlertNotFound, AlertTransitionInvalid } from '../errors';
import { SYSTEM_ACTOR, type AlertAction, type AlertEvent, type AlertEventType, type AlertView } from './alert-event';

/** A person's step on an alert. */
export interface AlertCommand {
  alertId: string;
  action: AlertAction;
  /** Account id of the person taking the step. */
  by: string;
  /** When; defaults to now. */
  at?: Date;
  note?: string;
  /** Required for DIAGNOSED: the failure mode found. */
  diagnosis?: string;
  /** Required for DISPATCHED: the work order. */
  workOrderId?: string;
}

/** The details of an alert the anomaly operator opens. */
export interface AlertOpening {
  assetPath: string;
  assetClass: string;
  onset: Date;
  at: Date;
  by: string;
  score: number;
  threshold: number;
  modelName: string;
  modelVersion: string;
  contributors: string[];
  note?: string;
}

/**
 * The workflow: each step follows the previous one (Alert → Acknowledge → Diagnose → Dispatch → Verify →
 * Close). An alert that needs no work order can be closed early from OPEN, ACKNOWLEDGED or DIAGNOSED, with
 * a note saying why (false alarm, fixed on the spot).
 */
const NEXT: Record<AlertEventType, readonly AlertAction[]> = {
  OPENED: ['ACKNOWLEDGED', 'CLOSED'],
  ACKNOWLEDGED: ['DIAGNOSED', 'CLOSED'],
  DIAGNOSED: ['DISPATCHED', 'CLOSED'],
  DISPATCHED: ['VERIFIED'],
  VERIFIED: ['CLOSED'],
  CLOSED: [],
};

/** What folding one event did: changed the state, was already folded (same event id), or was skipped. */
/** The steps the workflow allows from a status (the input a person still has to give is checked on apply). */
export function nextActionsOf(status: AlertEventType): readonly AlertAction[] {
  return NEXT[status];
}

export type AlertReplayOutcome = 'applied' | 'duplicate' | 'skipped';

/**
 * Applies alert workflow steps with validation and keeps each alert's state. Every accepted step is an
 * AlertEvent for `asset-health.alerts.v1`, the source of truth: `replay` folds events read back from that
 * topic, so the state can be rebuilt from the product itself. Several writers share the topic (the anomaly
 * operator, the console), so two can race on one alert; every reader folds the topic in the same order
 * and keeps the first step written, skipping (and counting) a later one that is no longer a legal step.
 * The system's auto-close is legal only from OPENED: written after a person's step, it was decided on a
 * view that had not seen that step yet.
 *
 * A writer folds its own events at once (`open`, `apply`, `foldPending`) and they stay pending until
 * `replay` reads them back. Another writer's event read while some are pending was written before them
 * (one asset's events share a partition), so the alert is folded again in topic order: the writer ends
 * where every other reader of the topic ends.
 */
export class AlertService {
  private readonly alerts = new Map<string, AlertView>();
  /** The alert not yet closed, per asset: an asset has at most one. */
  private readonly openByAsset = new Map<string, string>();
  /** This writer's events folded but not read back from the topic yet, per alert, in the order written. */
  private readonly pending = new Map<string, AlertEvent[]>();
  private skipped = 0;

  open(opening: AlertOpening): AlertEvent {
    const alertId = `${opening.assetPath}@${opening.onset.getTime()}`;
    const current = this.openFor(opening.assetPath);
    if (current) throw new AlertTransitionInvalid(alertId, current.status, 'OPENED', `asset ${opening.assetPath} already has alert ${current.alertId} in progress`);
    const event: AlertEvent = {
      eventId: `${alertId}/OPENED`,
      alertId,
      assetPath: opening.assetPath,
      assetClass: opening.assetClass,
      type: 'OPENED',
      at: opening.at,
      by: opening.by,
      note: opening.note ?? null,
      score: opening.score,
      threshold: opening.threshold,
      modelName: opening.modelName,
      modelVersion: opening.modelVersion,
      windowStart: opening.onset,
      contributors: opening.contributors,
      diagnosis: null,
      workOrderId: null,
    };
    this.foldPending(event);
    return event;
  }

  /**
   * Validates a person's step and returns its event; the state changes only if it is valid. `accept`
   * sees the event before the state changes and may refuse it by throwing (the producer's contract check).
   */
  apply(command: AlertCommand, accept?: (event: AlertEvent) => void): AlertEvent {
    const alert = this.get(command.alertId);
    const invalid = (reason: string) => new AlertTransitionInvalid(command.alertId, alert.status, command.action, reason);
    if (!NEXT[alert.status].includes(command.action)) {
      throw invalid(alert.status === 'CLOSED' ? 'it is closed' : `from ${alert.status} the next steps are ${NEXT[alert.status].join(' or ')}`);
    }
    if (!command.by.trim()) throw invalid('the step needs who took it (by)');
    if (command.action === 'DIAGNOSED' && !command.diagnosis?.trim()) throw invalid('a diagnosis needs the failure mode found (diagnosis)');
    if (command.action === 'DISPATCHED' && !command.workOrderId?.trim()) throw invalid('a dispatch needs the work order (workOrderId)');
    if (command.action === 'CLOSED' && alert.status !== 'VERIFIED' && !command.note?.trim()) {
      throw invalid('closing before the repair is verified needs a note saying why (e.g. false alarm)');
    }
    const event: AlertEvent = {
      eventId: `${alert.alertId}/${command.action}`,
      alertId: alert.alertId,
      assetPath: alert.assetPath,
      assetClass: alert.assetClass,
      type: command.action,
      at: command.at ?? new Date(),
      by: command.by,
      note: command.note ?? null,
      score: null,
      threshold: null,
      modelName: null,
      modelVersion: null,
      windowStart: null,
      contributors: [],
      diagnosis: command.diagnosis ?? null,
      workOrderId: command.workOrderId ?? null,
    };
    accept?.(event);
    this.foldPending(event);
    return event;
  }

  /**
   * Folds an event read from the topic. A repeated event id is ignored (a writer reads its own events
   * back); an event that is not a legal step from the alert's state (another writer's step came first, its
   * alert is unknown, or its asset has another alert in progress) is skipped and counted, never thrown,
   * so a reader of the topic never stops on it.
   */
  replay(event: AlertEvent): AlertReplayOutcome {
    const own = this.pending.get(event.alertId);
    if (!own) return this.count(this.fold(event));
    const index = own.findIndex((e) => e.eventId === event.eventId && e.by === event.by);
    if (index >= 0) {
      own.splice(index, 1);
      if (own.length === 0) this.pending.delete(event.alertId);
      return 'duplicate';
    }
    // Written before this writer's pending events: fold the alert again in topic order. A pending event
    // that is no longer legal is dropped here and skipped (counted) when it is read back.
    const confirmed = this.alerts.get(event.alertId)?.history.filter((e) => !own.includes(e)) ?? [];
    this.forget(event.alertId);
    for (const e of confirmed) this.fold(e);
    const outcome = this.count(this.fold(event));
    for (const e of own) this.foldPending(e);
    return outcome;
  }

  /** Folds an event this writer produced (or is producing) ahead of reading it back with `replay`. */
  foldPending(event: AlertEvent): AlertReplayOutcome {
    const outcome = this.fold(event);
    if (outcome === 'applied') this.pending.set(event.alertId, [...(this.pending.get(event.alertId) ?? []), event]);
    return outcome;
  }

  /** Events `replay` skipped because they were not a legal step when they arrived. */
  stats(): { skipped: number } {
    return { skipped: this.skipped };
  }

  private fold(event: AlertEvent): AlertReplayOutcome {
    const known = this.alerts.get(event.alertId);
    if (known?.history.some((e) => e.eventId === event.eventId)) return 'duplicate';
    if (event.type === 'OPENED') {
      if (known || this.openFor(event.assetPath)) return 'skipped';
      this.alerts.set(event.alertId, {
        alertId: event.alertId,
        assetPath: event.assetPath,
        assetClass: event.assetClass,
        status: 'OPENED',
        openedAt: event.at,
        onset: event.windowStart,
        score: event.score,
        modelName: event.modelName,
        modelVersion: event.modelVersion,
        contributors: event.contributors,
        diagnosis: null,
        workOrderId: null,
        history: [event],
      });
      this.openByAsset.set(event.assetPath, event.alertId);
      return 'applied';
    }
    if (!known || !NEXT[known.status].includes(event.type)) return 'skipped';
    if (event.type === 'CLOSED' && event.by === SYSTEM_ACTOR && known.status !== 'OPENED') return 'skipped';
    known.status = event.type;
    known.history.push(event);
    if (event.diagnosis) known.diagnosis = event.diagnosis;
    if (event.workOrderId) known.workOrderId = event.workOrderId;
    if (event.type === 'CLOSED' && this.openByAsset.get(event.assetPath) === event.alertId) this.openByAsset.delete(event.assetPath);
    return 'applied';
  }

  private count(outcome: AlertReplayOutcome): AlertReplayOutcome {
    if (outcome === 'skipped') this.skipped += 1;
    return outcome;
  }

  private forget(alertId: string): void {
    const alert = this.alerts.get(alertId);
    this.alerts.delete(alertId);
    this.pending.delete(alertId);
    if (alert && this.openByAsset.get(alert.assetPath) === alertId) this.openByAsset.delete(alert.assetPath);
  }

  get(alertId: string): AlertView {
    const alert = this.alerts.get(alertId);
    if (!alert) throw new AlertNotFound(alertId);
    return alert;
  }

  /** The asset's alert that is not closed yet, if any. */
  openFor(assetPath: string): AlertView | undefined {
    const id = this.openByAsset.get(assetPath);
    return id ? this.alerts.get(id) : undefined;
  }

  /** Alerts, newest first, optionally only those in the given states. */
  list(filter: { status?: readonly AlertEventType[] } = {}): AlertView[] {
    return [...this.alerts.values()].filter((alert) => !filter.status || filter.status.includes(alert.status)).sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime());
  }
}
