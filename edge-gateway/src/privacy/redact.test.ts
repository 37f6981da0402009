import { describe, expect, it } from 'vitest';
import { Pseudonymiser } from './pseudonymiser';
import { redactPersonalText } from './redact';

const p = Pseudonymiser.fromKey(Buffer.alloc(32, 9));

describe('redactPersonalText', () => {
  it('pseudonymises personal keys in a broken JSON payload', () => {
    const out = redactPersonalText(Buffer.from('{"value": 1, "operator" : "badge-77", "unit": '), ['operator'], p).toString();
    expect(out).not.toContain('badge-77');
    expect(out).toContain(`"operator" : "${p.pseudonymise('badge-77')}"`);
  });

  it('leaves payloads without personal keys untouched', () => {
    const payload = Buffer.from([0xff, 0x00, 0x10]);
    expect(redactPersonalText(payload, ['operator'], p)).toBe(payload);
  });
});
