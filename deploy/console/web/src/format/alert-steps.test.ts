import { describe, expect, it } from 'vitest';
import { missingInput } from './alert-steps';

const empty = { note: '', diagnosis: '', workOrderId: '' };

describe('what an alert step needs before it is sent', () => {
  it('asks for the diagnosis before diagnosing and the work order before dispatching', () => {
    expect(missingInput('DIAGNOSED', 'ACKNOWLEDGED', empty)).toMatch(/Diagnosis/);
    expect(missingInput('DIAGNOSED', 'ACKNOWLEDGED', { ...empty, diagnosis: 'bearing wear' })).toBeUndefined();
    expect(missingInput('DISPATCHED', 'DIAGNOSED', { ...empty, workOrderId: '  ' })).toMatch(/Work order/);
    expect(missingInput('DISPATCHED', 'DIAGNOSED', { ...empty, workOrderId: 'WO-1' })).toBeUndefined();
  });

  it('asks why when an alert is closed without a verified repair, not after one', () => {
    expect(missingInput('CLOSED', 'OPENED', empty)).toMatch(/note/);
    expect(missingInput('CLOSED', 'OPENED', { ...empty, note: 'false alarm' })).toBeUndefined();
    expect(missingInput('CLOSED', 'VERIFIED', empty)).toBeUndefined();
  });

  it('lets acknowledging and verifying go without input', () => {
    expect(missingInput('ACKNOWLEDGED', 'OPENED', empty)).toBeUndefined();
    expect(missingInput('VERIFIED', 'DISPATCHED', empty)).toBeUndefined();
  });
});
