import { ConfigInvalid } from '@fieldmesh/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ContractCatalog } from './contract.catalog';
import { REPO_ROOT } from './domain.config';
import { defineDataProduct, defineDomain } from './domain.declaration';
import { ProductInputUnknown } from './errors';
import { wireDomain } from './product.wiring';

const passThrough = () => ({ handle: async () => [], stats: () => ({}) });
const domain = defineDomain({
  name: 'plant-telemetry',
  settings: z.strictObject({}),
  products: { clean: defineDataProduct({ contract: 'plant-telemetry.clean', pipeline: passThrough }) },
});
let contracts: ContractCatalog;
beforeAll(async () => {
  contracts = await ContractCatalog.load([REPO_ROOT]);
});

describe('wiring a domain from its declaration', () => {
  it("reads the product its contract's upstream names, under conventional job and group names", () => {
    const [clean] = wireDomain(domain, contracts);
    expect(clean).toMatchObject({ job: 'plant-telemetry-clean', groupId: 'plant-telemetry.clean', keepsEventTime: true });
    expect(clean!.input.contract.contract.id).toBe('plant-telemetry.raw');
    expect([clean!.input.topic, clean!.outputs.map((o) => o.topic)]).toEqual(['plant.telemetry.raw.v1', ['plant.telemetry.clean.v1']]);
  });

  it('takes topics by contract id and groups by product name from the config', () => {
    const [clean] = wireDomain(domain, contracts, { topics: { 'plant-telemetry.raw': 'raw.test', 'plant-telemetry.clean': 'clean.test' }, groups: { clean: 'g' } });
    expect([clean!.input.topic, clean!.outputs[0]!.topic, clean!.groupId]).toEqual(['raw.test', 'clean.test', 'g']);
  });

  it('refuses overrides that name nothing the domain uses, naming each', () => {
    const error = (() => {
      try {
        return wireDomain(domain, contracts, { topics: { 'energy.consumption-15m': 'x' }, groups: { dirty: 'g' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigInvalid);
    expect((error as ConfigInvalid).problems.map((p) => p.path)).toEqual(['topics.energy.consumption-15m', 'groups.dirty']);
  });

  it('refuses a product whose contract names no upstream product', () => {
    const raw = defineDomain({
      name: 'plant-telemetry',
      settings: z.strictObject({}),
      products: { raw: defineDataProduct({ contract: 'plant-telemetry.raw', pipeline: passThrough }) },
    });
    expect(() => wireDomain(raw, contracts)).toThrow(ProductInputUnknown);
  });
});
