/**
 * The alert workflow, published for programs that must share it rather than restate it: the events of
 * asset-health.alerts.v1, the state machine that folds them (opened → acknowledged → diagnosed →
 * dispatched → verified → closed), the steps a person may take next, and the errors a refused step
 * raises. The operations console folds the topic and checks a person's step with this same code, so the
 * board and the domain agree on every alert. Importable on its own as
 * `@fieldmesh/domain-asset-health/alert-workflow`, without the domain's jobs and models; it is all of this
 * domain the console may import (eslint.config.js).
 */
export { ALERT_EVENT_TYPES, SYSTEM_ACTOR, type AlertAction, type AlertEvent, type AlertEventType, type AlertView } from './alerts/alert-event';
export { AlertService, nextActionsOf, type AlertCommand, type AlertOpening, type AlertReplayOutcome } from './alerts/alert.service';
export { AlertNotFound, AlertTransitionInvalid } from './errors';
