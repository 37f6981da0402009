import { describe, expect, it } from 'vitest';
import { mosquittoAcl } from './mosquitto.acl';

describe('mosquitto ACL', () => {
  const acl = mosquittoAcl([
    { type: 'device', id: 'pump-1' },
    { type: 'gateway', id: 'gw-2' },
    { type: 'gateway', id: 'gw-1' },
    { type: 'broker', id: 'broker' },
  ]).split('\n');

  it('gives every device its own subtree through patterns on its username', () => {
    expect(acl).toContain('pattern readwrite +/+/+/+/%u/#');
    expect(acl).toContain('pattern readwrite spBv1.0/+/+/%u/#');
    expect(acl.some((line) => line.includes('pump-1'))).toBe(false);
  });

  it('lets each gateway read everything and send Sparkplug commands, and nobody else', () => {
    expect(acl.filter((line) => line.startsWith('user '))).toEqual(['user gw-1', 'user gw-2']);
    const gateway = acl.slice(acl.indexOf('user gw-1') + 1, acl.indexOf('user gw-2') - 1);
    expect(gateway).toEqual(['topic read #', 'topic write spBv1.0/+/NCMD/#', 'topic write spBv1.0/+/DCMD/#']);
  });

  it('uses the device patterns it is given', () => {
    expect(
      mosquittoAcl([], { devicePatterns: ['acme/+/+/+/%u/#'] })
        .split('\n')
        .filter((line) => line.startsWith('pattern')),
    ).toEqual(['pattern readwrite acme/+/+/+/%u/#']);
  });
});
