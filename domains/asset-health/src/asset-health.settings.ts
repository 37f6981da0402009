import { z } from 'zod';
import { DEFAULT_MODELS_DIR } from './paths';

export const alertingSchema = z
  .strictObject({
    openAfterWindows: z.number().int().min(1).default(2).describe('Consecutive anomalous windows that open an alert'),
    autoCloseAfterWindows: z.number().int().min(1).default(6).describe('Consecutive normal windows after which an unacknowledged alert closes itself'),
  })
  .prefault({});

/** What the asset-health domain's config adds to the platform's fields (kafka, registryUrl, topics, groups…). */
export const assetHealthSettingsSchema = z.strictObject({
  modelsDir: z.string().min(1).default(DEFAULT_MODELS_DIR).describe('Model registry folder: <name>/<version>/model.onnx + model-card.yaml'),
  models: z.record(z.string(), z.string()).optional().describe('Asset class → model name; default asset-health-<class> for each model in the registry'),
  assetClasses: z.record(z.string(), z.string()).default({}).describe('Asset path → class, where the asset id does not name it (pump-3 → pump)'),
  shadow: z.boolean().default(true).describe("Score each model's shadow alias beside its champion when its aliases.yaml names one"),
  alerting: alertingSchema,
  plantSpeed: z
    .number()
    .min(1)
    .max(1000)
    .default(1)
    .describe(
      "Plant seconds per wall-clock second of the telemetry this domain reads: 1 for a real plant. A sped-up simulated plant (npm start runs one at 10) sets its speed, and the features' allowed lateness (its contract's, in event time) is multiplied by it: readings are delayed in transport by wall-clock time, which a faster plant's clock turns into more event time",
    ),
  drift: z
    .strictObject({
      windowRows: z.number().int().min(50).default(1000).describe('Scored windows per drift report and model'),
      psiThreshold: z.number().positive().default(0.25).describe('PSI above which a feature counts as drifted'),
    })
    .prefault({}),
});

export type AssetHealthSettings = z.output<typeof assetHealthSettingsSchema>;
