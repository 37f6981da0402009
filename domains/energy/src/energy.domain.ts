import { defineDomain, type RunningDomainOf } from '@fieldmesh/products';
import { consumptionProduct } from './consumption-15m/consumption.product';
import { energySettingsSchema } from './energy.settings';

/** The energy domain: 15-minute consumption and cost per asset, line and site. */
export const domain = defineDomain({
  name: 'energy',
  settings: energySettingsSchema,
  products: { 'consumption-15m': consumptionProduct },
});

export type EnergyDomain = RunningDomainOf<typeof domain>;
