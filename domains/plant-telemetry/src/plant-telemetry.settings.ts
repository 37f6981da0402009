import { z } from 'zod';

/** What the plant-telemetry domain's config adds to the platform's fields (kafka, registryUrl, topics, groups…). */
export const plantTelemetrySettingsSchema = z.strictObject({
  maxDedupeChunks: z.number().int().min(16).default(65_536).describe('Bound on deduplication memory, in chunks of 4096 sequence numbers (512 bytes each)'),
});

export type PlantTelemetrySettings = z.output<typeof plantTelemetrySettingsSchema>;
