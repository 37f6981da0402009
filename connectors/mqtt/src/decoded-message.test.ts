import type { SourceReject } from '@fieldmesh/connect';
import { describe, expect, it } from 'vitest';
import { boundedReject } from './decoded-message';

const rejectOf = (payload: string | Buffer, reason = 'payload is not JSON'): SourceReject => ({
  sourceAddress: 'acme/berlin/press-4/temperature',
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
  errorClass: 'PayloadNotJson',
  reason,
  receivedTime: 0,
});

describe('boundedReject', () => {
  it('leaves a reject within the bounds untouched', () => {
    const reject = rejectOf('{"value": 1');
    expect(boundedReject(reject, 1_024)).toBe(reject);
  });

  it('cuts the evidence to the bound and says so in the reason', () => {
    const bounded = boundedReject(rejectOf(Buffer.alloc(70_000, 0x41)), 16_384);
    expect(bounded.payload.length).toBe(16_384);
    expect(bounded.reason).toBe('payload is not JSON (the dead letter holds the first 16384 of its 70000 bytes)');
  });

  it('never ends the evidence inside a JSON string, so no personal value is left half-masked', () => {
    const text = '{"value": 1, "operator": "Jane \\"JD\\" Doe"}';
    const cutInValue = boundedReject(rejectOf(text), text.indexOf('Doe'));
    expect(cutInValue.payload.toString()).toBe('{"value": 1, "operator": ');
    const cutAfterValue = boundedReject(rejectOf(text), text.length - 1);
    expect(cutAfterValue.payload.toString()).toBe(text.slice(0, -1));
  });

  it('cuts a reason quoting a huge topic or parser message', () => {
    expect(boundedReject(rejectOf('x', 'r'.repeat(100_000)), 1_024).reason).toHaveLength(1_025);
  });
});
