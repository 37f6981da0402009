import type { ReactNode } from 'react';
import type { AlertStatus, Classification, SloState } from '../../../src/api/types';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'accent' | 'neutral';

export function Badge({ tone, children, title, testId }: { tone: Tone; children: ReactNode; title?: string | undefined; testId?: string | undefined }) {
  return (
    <span className={`badge ${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

const SLO_TONE: Record<SloState, Tone> = { ok: 'ok', breached: 'bad', unknown: 'neutral' };
export function SloBadge({ state }: { state: SloState }) {
  return <Badge tone={SLO_TONE[state]}>{state}</Badge>;
}

const ALERT_TONE: Record<AlertStatus, Tone> = {
  OPENED: 'bad',
  ACKNOWLEDGED: 'warn',
  DIAGNOSED: 'warn',
  DISPATCHED: 'info',
  VERIFIED: 'accent',
  CLOSED: 'ok',
};
export function AlertStatusBadge({ status, testId }: { status: AlertStatus; testId?: string }) {
  return (
    <Badge tone={ALERT_TONE[status]} testId={testId}>
      {status}
    </Badge>
  );
}

const CLASSIFICATION_TONE: Record<Classification, Tone> = { public: 'ok', internal: 'accent', personal: 'info' };
export function ClassificationBadge({ classification }: { classification: Classification | null }) {
  return classification ? <Badge tone={CLASSIFICATION_TONE[classification]}>{classification}</Badge> : <span className="muted">—</span>;
}

const STATUS_TONE: Record<string, Tone> = {
  proposed: 'warn',
  approved: 'ok',
  rejected: 'bad',
  draft: 'neutral',
  active: 'ok',
  deprecated: 'warn',
  retired: 'neutral',
};
/** Contract and proposal lifecycle states. */
export function LifecycleBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status}</Badge>;
}
