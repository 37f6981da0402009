import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@fieldmesh/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type TariffConfig, tariffConfigSchema } from './consumption-15m/tariff.config';

/** The simulated plant's tariffs, shipped beside this package. */
export const DEFAULT_TARIFFS_FILE = join(import.meta.dirname, '..', 'tariffs.yaml');

/** What the energy domain's config adds to the platform's fields (kafka, registryUrl, topics, groups…). */
export const energySettingsSchema = z.strictObject({
  tariffs: tariffConfigSchema.optional().describe('Prices per site; a site without a tariff and no default gets no cost. When absent, tariffsFile is read'),
  tariffsFile: z.string().min(1).default(DEFAULT_TARIFFS_FILE).describe('A tariffs YAML file (see tariffs.yaml), read when tariffs are not given inline'),
  maxGapMs: z.number().int().positive().default(60_000).describe('Longest gap between power readings that is still integrated, in ms'),
});

export type EnergySettings = z.output<typeof energySettingsSchema>;

/** A tariffs YAML file, validated; problems name the field. */
export function loadTariffs(file: string = DEFAULT_TARIFFS_FILE): TariffConfig {
  return loadConfig(tariffConfigSchema, parseYaml(readFileSync(file, 'utf8')), `tariffs ${file}`);
}
