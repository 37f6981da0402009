import { defineDomain, type RunningDomainOf } from '@fieldmesh/products';
import { cleanProduct } from './clean/clean.product';
import { plantTelemetrySettingsSchema } from './plant-telemetry.settings';

/** The plant-telemetry domain: the clean product, from the gateways' raw readings. */
export const domain = defineDomain({
  name: 'plant-telemetry',
  settings: plantTelemetrySettingsSchema,
  products: { clean: cleanProduct },
});

export type PlantTelemetryDomain = RunningDomainOf<typeof domain>;
