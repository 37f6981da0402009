import { describe, expect, it } from 'vitest';
import type { AnyDomain } from '@fieldmesh/products';
import type { KafkaPort } from '@fieldmesh/kafka';
import { startDataProducts } from './data-products';

describe('startDataProducts', () => {
  it('refuses settings for a domain it does not run, naming it and the domains it runs, before starting anything', async () => {
    const start = startDataProducts({
      kafka: {} as KafkaPort,
      brokers: '127.0.0.1:9',
      registryUrl: 'http://127.0.0.1:9',
      stateDir: '/nonexistent',
      domains: [{ name: 'energy' } as AnyDomain],
      contracts: [],
      domainSettings: { 'asset-helth': { alerting: { autoCloseAfterWindows: 10 } } },
      warn: () => undefined,
    });
    await expect(start).rejects.toThrow('domainSettings names no running domain: asset-helth; the domains are energy');
  });
});
