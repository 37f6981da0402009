import { partitionKey } from '@fieldmesh/streams';
import { describe, expect, it } from 'vitest';
import { foreignStep } from '../../test/alert-steps';
import type { AnomalyScore } from '../anomaly-scores/anomaly-score';
import { AlertTransitionInvalid } from '../errors';
import { AlertPolicy } from './alert.policy';
import { AlertService } from './alert.service';

const PUMP = 'acme/berlin/press-shop/line-1/pump-1';

function score(window: number, value: number, overrides: Partial<AnomalyScore> = {}): AnomalyScore {
  return {
    assetPath: PUMP,
    assetClass: 'pump',
    windowStart: new Date(window * 10_000),
    windowEnd: new Date((window + 1) * 10_000),
    modelName: 'asset-health-pump',
    modelVersion: '1.0.0',
    role: 'CHAMPION',
    score: value,
    threshold: 10,
    anomalous: value > 10,
    contributors: [{ feature: 'bearing_temperature.mean', share: 0.8, value: 80, expected: 52 }],
    imputedFeatures: [],
    ...overrides,
  };
}

function openOne(service: AlertService) {
  return service.open({
    assetPath: PUMP,
    assetClass: 'pump',
    onset: new Date(0),
    at: new Date(20_000),
    by: 'system:asset-health',
    score: 30,
    threshold: 10,
    modelName: 'm',
    modelVersion: '1.0.0',
    contributors: [],
  });
}

describe('AlertService', () => {
  it('leaves an alert as it was when the step is refused before it applies (a contract rule it would break)', () => {
    const service = new AlertService();
    const opened = openOne(service);
    const refusal = new Error('breaks the alerts contract');
    expect(() =>
      service.apply({ alertId: opened.alertId, action: 'ACKNOWLEDGED', by: 'op-1' }, (event) => {
        expect(event).toMatchObject({ type: 'ACKNOWLEDGED', assetPath: PUMP });
        throw refusal;
      }),
    ).toThrow(refusal);
    expect(service.get(opened.alertId).status).toBe('OPENED');
    expect(service.apply({ alertId: opened.alertId, action: 'ACKNOWLEDGED', by: 'op-1' })).toMatchObject({ type: 'ACKNOWLEDGED' });
  });

  it('takes an alert through acknowledge, diagnose, dispatch, verify and close, recording who and when', () => {
    const service = new AlertService();
    const opened = openOne(service);
    expect(opened).toMatchObject({ alertId: `${PUMP}@0`, eventId: `${PUMP}@0/OPENED`, type: 'OPENED' });
    const at = new Date('2026-05-04T08:00:00Z');
    service.apply({ alertId: opened.alertId, action: 'ACKNOWLEDGED', by: 'op-1', at });
    service.apply({ alertId: opened.alertId, action: 'DIAGNOSED', by: 'op-1', diagnosis: 'bearing_wear' });
    service.apply({ alertId: opened.alertId, action: 'DISPATCHED', by: 'planner-2', workOrderId: 'WO-77' });
    service.apply({ alertId: opened.alertId, action: 'VERIFIED', by: 'tech-3', note: 'bearing replaced' });
    const closed = service.apply({ alertId: opened.alertId, action: 'CLOSED', by: 'op-1' });
    expect(closed).toMatchObject({ eventId: `${PUMP}@0/CLOSED`, by: 'op-1' });
    const view = service.get(opened.alertId);
    expect(view).toMatchObject({ status: 'CLOSED', diagnosis: 'bearing_wear', workOrderId: 'WO-77' });
    expect(view.history.map((e) => [e.type, e.by])).toEqual([
      ['OPENED', 'system:asset-health'],
      ['ACKNOWLEDGED', 'op-1'],
      ['DIAGNOSED', 'op-1'],
      ['DISPATCHED', 'planner-2'],
      ['VERIFIED', 'tech-3'],
      ['CLOSED', 'op-1'],
    ]);
    expect(view.history[1]?.at).toEqual(at);
    expect(service.openFor(PUMP)).toBeUndefined();
  });

  it('refuses steps out of order or missing what they need, and leaves the alert as it was', () => {
    const service = new AlertService();
    const { alertId } = openOne(service);
    expect(() => service.apply({ alertId, action: 'VERIFIED', by: 'op-1' })).toThrow(AlertTransitionInvalid);
    expect(() => service.apply({ alertId, action: 'CLOSED', by: 'op-1' })).toThrow(/needs a note/);
    service.apply({ alertId, action: 'ACKNOWLEDGED', by: 'op-1' });
    expect(() => service.apply({ alertId, action: 'DIAGNOSED', by: 'op-1' })).toThrow(/diagnosis/);
    expect(() => service.apply({ alertId, action: 'ACKNOWLEDGED', by: '' })).toThrow(AlertTransitionInvalid);
    expect(service.get(alertId).status).toBe('ACKNOWLEDGED');
    service.apply({ alertId, action: 'CLOSED', by: 'op-1', note: 'false alarm: sensor recalibrated' });
    expect(() => service.apply({ alertId, action: 'ACKNOWLEDGED', by: 'op-1' })).toThrow(/it is closed/);
    expect(() => service.apply({ alertId: 'nope', action: 'ACKNOWLEDGED', by: 'op-1' })).toThrow(/not known/);
  });

  it('rebuilds the same state from the events on the topic, ignoring a replayed event', () => {
    const source = new AlertService();
    const { alertId } = openOne(source);
    source.apply({ alertId, action: 'ACKNOWLEDGED', by: 'op-1' });
    const rebuilt = new AlertService();
    for (const event of [...source.get(alertId).history, ...source.get(alertId).history]) rebuilt.replay(event);
    expect(rebuilt.get(alertId).history).toHaveLength(2);
    expect(rebuilt.openFor(PUMP)?.status).toBe('ACKNOWLEDGED');
  });
  it('folds steps another writer produced to the topic, so the next step follows theirs', () => {
    const service = new AlertService();
    const opened = openOne(service);
    expect(service.replay(opened)).toBe('duplicate'); // read back before any step on it: another writer saw it on the topic first
    expect(service.replay(foreignStep(opened, 'ACKNOWLEDGED', 'op-console'))).toBe('applied');
    expect(service.replay(foreignStep(opened, 'DIAGNOSED', 'op-console', { diagnosis: 'bearing_wear' }))).toBe('applied');
    expect(service.get(opened.alertId)).toMatchObject({ status: 'DIAGNOSED', diagnosis: 'bearing_wear' });
    expect(() => service.apply({ alertId: opened.alertId, action: 'ACKNOWLEDGED', by: 'op-1' })).toThrow(/next steps are DISPATCHED or CLOSED/);
    expect(service.apply({ alertId: opened.alertId, action: 'DISPATCHED', by: 'planner-2', workOrderId: 'WO-9' }).type).toBe('DISPATCHED');
  });

  it('ignores an event it already folded, by event id, without counting it as skipped', () => {
    const service = new AlertService();
    const opened = openOne(service);
    const ack = foreignStep(opened, 'ACKNOWLEDGED', 'op-console');
    expect([service.replay(opened), service.replay(ack), service.replay(ack), service.replay(opened)]).toEqual(['duplicate', 'applied', 'duplicate', 'duplicate']);
    expect(service.get(opened.alertId).history.map((e) => e.type)).toEqual(['OPENED', 'ACKNOWLEDGED']);
    expect(service.stats()).toEqual({ skipped: 0 });
  });

  it('keeps the first of two racing steps in topic order and skips, counts, the one that is no longer legal', () => {
    const opened = openOne(new AlertService());
    const autoClose = foreignStep(opened, 'CLOSED', 'system:asset-health', { eventId: `${opened.alertId}/CLOSED`, note: 'cleared' });
    const ack = foreignStep(opened, 'ACKNOWLEDGED', 'op-console');
    const diagnose = foreignStep(opened, 'DIAGNOSED', 'op-console', { diagnosis: 'bearing_wear' });
    // The domain auto-closed first: the person's acknowledgement and diagnosis written after it come too late.
    const reader = new AlertService();
    expect([opened, autoClose, ack, diagnose].map((event) => reader.replay(event))).toEqual(['applied', 'applied', 'skipped', 'skipped']);
    expect(reader.get(opened.alertId).history.map((e) => [e.type, e.by])).toEqual([
      ['OPENED', 'system:asset-health'],
      ['CLOSED', 'system:asset-health'],
    ]);
    expect(reader.openFor(PUMP)).toBeUndefined();
    expect(reader.stats()).toEqual({ skipped: 2 });
    // A step of an alert the reader never saw opened, and a second alert for an asset with one in progress, are skipped too.
    const other = new AlertService();
    other.replay(opened);
    expect(other.replay(foreignStep({ ...opened, alertId: 'unknown@1' }, 'ACKNOWLEDGED', 'op-1'))).toBe('skipped');
    expect(other.replay({ ...opened, alertId: `${PUMP}@5`, eventId: `${PUMP}@5/OPENED` })).toBe('skipped');
    expect(other.openFor(PUMP)?.alertId).toBe(opened.alertId);
    expect(other.stats()).toEqual({ skipped: 2 });
  });

  it('skips the system auto-close written after a person acknowledged the alert', () => {
    const service = new AlertService();
    const opened = openOne(service);
    const ack = foreignStep(opened, 'ACKNOWLEDGED', 'op-console');
    const autoClose = foreignStep(opened, 'CLOSED', 'system:asset-health', { note: 'cleared' });
    expect([service.replay(opened), service.replay(ack), service.replay(autoClose)]).toEqual(['duplicate', 'applied', 'skipped']);
    expect(service.openFor(PUMP)?.status).toBe('ACKNOWLEDGED');
  });

  it('ends where every other reader ends when a step written before its own pending auto-close is read first', () => {
    // The domain auto-closed the alert (pending) while an operator's acknowledgement was already on the topic ahead of it.
    const domain = new AlertService();
    const policy = new AlertPolicy(domain, { openAfterWindows: 2, autoCloseAfterWindows: 3 });
    const [opened] = policy.observe([score(0, 30), score(1, 30)]);
    domain.replay(opened!);
    const [autoClose] = policy.observe([score(2, 1), score(3, 1), score(4, 1)]);
    expect(autoClose).toMatchObject({ type: 'CLOSED', by: 'system:asset-health' });
    expect(domain.openFor(PUMP)).toBeUndefined();
    const ack = foreignStep(opened!, 'ACKNOWLEDGED', 'op-console');
    expect(domain.replay(ack)).toBe('applied');
    expect(domain.replay(autoClose!)).toBe('skipped');

    const console = new AlertService();
    for (const event of [opened!, ack, autoClose!]) console.replay(event);
    for (const reader of [domain, console]) {
      expect(reader.get(opened!.alertId).history.map((e) => [e.type, e.by])).toEqual([
        ['OPENED', 'system:asset-health'],
        ['ACKNOWLEDGED', 'op-console'],
      ]);
      expect(reader.openFor(PUMP)?.status).toBe('ACKNOWLEDGED');
      expect(reader.stats()).toEqual({ skipped: 1 });
    }
  });
});

describe('AlertPolicy', () => {
  const options = { openAfterWindows: 2, autoCloseAfterWindows: 3 };

  it('moves with its input partition: the instance taking it over replays what the runs hold and raises exactly the alerts one instance would', () => {
    // Two assets on one partition of the features topic; anomalous runs, an alert closing itself, a second alert.
    const OTHER = 'acme/berlin/press-shop/line-1/pump-2';
    const values = [3, 30, 30, 40, 1, 1, 1, 2, 30, 30, 1, 30, 1, 1, 1, 1];
    const windows = values.flatMap((value, w) => [score(w, value), score(w, values[(w + 5) % values.length]!, { assetPath: OTHER })]);
    const position = new Map(windows.map((s, i) => [s, { topic: 'features', partition: 0, offset: BigInt(i) }]));
    const positionOf = (s: AnomalyScore) => position.get(s);
    const ids = (events: { eventId: string }[]) => events.map((e) => e.eventId);
    const expected = ids(new AlertPolicy(new AlertService(), options).observe(windows, positionOf));
    expect(expected.filter((id) => id.endsWith('/OPENED')).length).toBeGreaterThanOrEqual(3);
    expect(expected.filter((id) => id.endsWith('/CLOSED')).length).toBeGreaterThanOrEqual(2);

    for (let moveAt = 1; moveAt < windows.length; moveAt += 1) {
      // The first owner handles windows up to moveAt and commits below the oldest window its runs hold.
      const first = new AlertPolicy(new AlertService(), options);
      const before = first.observe(windows.slice(0, moveAt), positionOf);
      const held = [...first.heldOffsets()].map((at) => Number(at.offset));
      const resumeAt = Math.min(moveAt, ...held);
      // The next owner folded the first owner's alert events from the alerts topic, then replays from the commit.
      const service = new AlertService();
      for (const event of before) service.replay(event);
      const next = new AlertPolicy(service, options);
      next.restore({ watermark: Number.NEGATIVE_INFINITY, readUntil: new Map([[partitionKey('features', 0), BigInt(moveAt)]]) });
      const after = next.observe(windows.slice(resumeAt), positionOf);
      expect([...ids(before), ...ids(after)], `partition moved after ${moveAt} windows`).toEqual(expected);
      expect(next.recordsOwingNoOutput()).toBe(moveAt - resumeAt);
    }
  });

  it('holds no input once runs are over: an asset normal long enough, or without an alert, keeps nothing back', () => {
    const policy = new AlertPolicy(new AlertService(), options);
    const at = (offset: number) => ({ topic: 'features', partition: 0, offset: BigInt(offset) });
    const scores = [score(0, 1), score(1, 2)];
    policy.observe(scores, (s) => at(scores.indexOf(s)));
    expect([...policy.heldOffsets()]).toEqual([]);
    const run = [score(2, 30), score(3, 30), score(4, 1), score(5, 1), score(6, 1)];
    policy.observe(run.slice(0, 3), (s) => at(2 + run.indexOf(s)));
    expect([...policy.heldOffsets()]).toEqual([at(4)]);
    policy.observe(run.slice(3), (s) => at(2 + run.indexOf(s)));
    expect([...policy.heldOffsets()]).toEqual([]);
    expect(policy.runsInProgress()).toBe(0);
  });

  it('opens an alert after consecutive anomalous windows, with the onset at the first of them', () => {
    const service = new AlertService();
    const policy = new AlertPolicy(service, options);
    expect(policy.observe([score(0, 3), score(1, 30), score(2, 4), score(3, 25)])).toEqual([]);
    const [opened] = policy.observe([score(4, 40)]);
    expect(opened).toMatchObject({ type: 'OPENED', alertId: `${PUMP}@30000`, at: new Date(50_000), score: 40, threshold: 10, contributors: ['bearing_temperature.mean'] });
    expect(opened?.note).toContain('bearing_temperature.mean 80.00 (normal 52.00)');
    expect(policy.observe([score(5, 50), score(6, 60)])).toEqual([]);
  });

  it('never alerts on shadow scores', () => {
    const policy = new AlertPolicy(new AlertService(), options);
    expect(policy.observe([0, 1, 2, 3].map((w) => score(w, 90, { role: 'SHADOW' })))).toEqual([]);
  });

  it('closes an alert nobody acknowledged once the asset stays normal, but not one a person took', () => {
    const service = new AlertService();
    const policy = new AlertPolicy(service, options);
    policy.observe([score(0, 30), score(1, 30)]);
    const closed = policy.observe([score(2, 1), score(3, 1), score(4, 1)]);
    expect(closed).toMatchObject([{ type: 'CLOSED', by: 'system:asset-health' }]);

    const [second] = policy.observe([score(10, 30), score(11, 30)]);
    service.apply({ alertId: second!.alertId, action: 'ACKNOWLEDGED', by: 'op-1' });
    expect(policy.observe([12, 13, 14, 15].map((w) => score(w, 1)))).toEqual([]);
    expect(service.openFor(PUMP)?.status).toBe('ACKNOWLEDGED');
  });

  it('does not auto-close an alert an operator acknowledged through the topic', () => {
    const service = new AlertService();
    const policy = new AlertPolicy(service, options);
    const [opened] = policy.observe([score(0, 30), score(1, 30)]);
    // The follower reads the topic in order: the operator's own OPENED, then the console's step.
    expect([service.replay(opened!), service.replay(foreignStep(opened!, 'ACKNOWLEDGED', 'op-console'))]).toEqual(['duplicate', 'applied']);
    expect(policy.observe([2, 3, 4, 5, 6].map((w) => score(w, 1)))).toEqual([]);
    expect(service.openFor(PUMP)).toMatchObject({ status: 'ACKNOWLEDGED', history: [{ type: 'OPENED' }, { by: 'op-console' }] });
    // and the asset gets no second alert while that one is in progress
    expect(policy.observe([7, 8, 9].map((w) => score(w, 50)))).toEqual([]);
  });
});
