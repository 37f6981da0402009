import { z } from 'zod';
import { DEFAULT_MODELS_DIR, REPO_ROOT } from './paths';

export const alertingSchema = z
  .strictObject({
    openAfterWindows: z.number().int().min(1).default(2).describe('Consecutive anomalous windows that open an alert'),
    autoCloseAfterWindows: z.number().int().min(1).default(6).describe('Consecutive normal windows after which an unacknowledged alert closes itself'),
  })
  .prefault({});

export const assetHealthConfigSchema = z.strictObject({
  kafka: z.strictObject({
    brokers: z.array(z.string().min(1)).min(1, 'must list at least one bootstrap broker').describe('Bootstrap brokers. Example: ["127.0.0.1:9092"]'),
    client: z.enum(['kafkajs', 'platformatic']).optional().describe('Kafka client adapter; the platform default when absent'),
    clientId: z.string().min(1).default('asset-health').describe('Client id shown in broker logs'),
  }),
  registryUrl: z.url().describe('Schema registry base URL. Example: http://127.0.0.1:8081'),
  root: z.string().min(1).default(REPO_ROOT).describe('Repository root holding contracts/ and schemas/'),
  modelsDir: z.string().min(1).default(DEFAULT_MODELS_DIR).describe('Model registry folder: <name>/<version>/model.onnx + model-card.yaml'),
  models: z.record(z.string(), z.string()).optional().describe('Asset class → model name; default asset-health-<class> for each model in the registry'),
  assetClasses: z.record(z.string(), z.string()).default({}).describe('Asset path → class, where the asset id does not name it (pump-3 → pump)'),
  shadow: z.boolean().default(true).describe("Score each model's shadow alias beside its champion when its aliases.yaml names one"),
  alerting: alertingSchema,
  drift: z
    .strictObject({
      windowRows: z.number().int().min(50).default(1000).describe('Scored windows per drift report and model'),
      psiThreshold: z.number().positive().default(0.25).describe('PSI above which a feature counts as drifted'),
    })
    .prefault({}),
  groups: z
    .strictObject({
      features: z.string().min(1).default('asset-health.features').describe('Consumer group of the features job'),
      operator: z.string().min(1).default('asset-health.anomaly-operator').describe('Consumer group of the anomaly operator job'),
    })
    .prefault({}),
  topics: z
    .strictObject({
      input: z.string().min(1).optional(),
      features: z.string().min(1).optional(),
      scores: z.string().min(1).optional(),
      alerts: z.string().min(1).optional(),
    })
    .prefault({})
    .describe("Topics other than the contracts', for tests and side-by-side runs"),
  maxBatchRecords: z.number().int().min(1).max(100_000).default(2_000).describe('Most records per handler call'),
  createTopics: z.boolean().default(true).describe('Create the product topics and dead-letter topics from the contracts when missing'),
});

export type AssetHealthConfig = z.output<typeof assetHealthConfigSchema>;
export type AssetHealthConfigInput = z.input<typeof assetHealthConfigSchema>;
