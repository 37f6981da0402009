import type { AlertAction, AlertStatus } from '../../../src/api/types';

/** The input a step needs that is still empty, as a sentence for the operator; undefined when ready. */
export function missingInput(action: AlertAction, status: AlertStatus, input: { note: string; diagnosis: string; workOrderId: string }): string | undefined {
  if (action === 'DIAGNOSED' && !input.diagnosis.trim()) return 'Diagnosing needs the failure mode found: fill in Diagnosis.';
  if (action === 'DISPATCHED' && !input.workOrderId.trim()) return 'Dispatching needs the work order id: fill in Work order.';
  if (action === 'CLOSED' && status !== 'VERIFIED' && !input.note.trim()) return 'Closing before a verified repair needs a note saying why (false alarm, fixed on the spot).';
  return undefined;
}
