import { AlertService, type AlertView } from '@fieldmesh/domain-asset-health/alert-workflow';
import { describe, expect, it } from 'vitest';
import { downtimeAvoided, lineOf } from './downtime.kpi';

const LINE_1 = 'acme/berlin/press-shop/line-1';
const LINE_2 = 'acme/berlin/press-shop/line-2';

/** Alerts taken through the real workflow, so the KPI reads histories as the console sees them. */
function alerts(): AlertView[] {
  const service = new AlertService();
  const open = (assetPath: string, assetClass: string, onset: number) =>
    service.open({
      assetPath,
      assetClass,
      onset: new Date(onset),
      at: new Date(onset),
      by: 'system',
      score: 9,
      threshold: 5,
      modelName: 'm',
      modelVersion: '1.0.0',
      contributors: [],
    }).alertId;
  const steps = (alertId: string, upTo: 'VERIFIED' | 'CLOSED') => {
    service.apply({ alertId, action: 'ACKNOWLEDGED', by: 'op' });
    service.apply({ alertId, action: 'DIAGNOSED', by: 'op', diagnosis: 'bearing wear' });
    service.apply({ alertId, action: 'DISPATCHED', by: 'op', workOrderId: 'WO-1' });
    service.apply({ alertId, action: 'VERIFIED', by: 'op' });
    if (upTo === 'CLOSED') service.apply({ alertId, action: 'CLOSED', by: 'op' });
  };
  steps(open(`${LINE_1}/pump-1`, 'pump', 1_000), 'CLOSED');
  steps(open(`${LINE_1}/motor-1`, 'motor', 2_000), 'VERIFIED');
  const falseAlarm = open(`${LINE_2}/pump-2`, 'pump', 3_000);
  service.apply({ alertId: falseAlarm, action: 'CLOSED', by: 'op', note: 'false alarm' });
  open(`${LINE_2}/pump-2`, 'pump', 4_000);
  return service.list();
}

describe('downtime avoided', () => {
  it('counts each verified repair once at its class hours, per asset, per line and in total', () => {
    const kpis = downtimeAvoided(alerts(), { pump: 8, '*': 4 });
    expect(kpis.total).toEqual({ avoidedFailures: 2, downtimeAvoidedHours: 12, closedWithoutRepair: 1, openAlerts: 2 });
    expect(kpis.perLine).toEqual([
      { key: LINE_1, line: LINE_1, assetClass: null, avoidedFailures: 2, downtimeAvoidedHours: 12, closedWithoutRepair: 0, openAlerts: 1 },
      { key: LINE_2, line: LINE_2, assetClass: null, avoidedFailures: 0, downtimeAvoidedHours: 0, closedWithoutRepair: 1, openAlerts: 1 },
    ]);
    expect(kpis.perAsset.map((row) => [row.key, row.downtimeAvoidedHours])).toEqual([
      [`${LINE_1}/pump-1`, 8],
      [`${LINE_1}/motor-1`, 4],
      [`${LINE_2}/pump-2`, 0],
    ]);
  });

  it('counts no hours for a class without an entry when there is no default', () => {
    expect(downtimeAvoided(alerts(), { pump: 8 }).total.downtimeAvoidedHours).toBe(8);
  });

  it('takes the line as the asset path without its last segment', () => {
    expect(lineOf(`${LINE_1}/pump-1`)).toBe(LINE_1);
  });
});
