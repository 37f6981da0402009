import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: contracts, schemas and shipped models are found relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_MODELS_DIR = join(REPO_ROOT, 'models');
export const CONTRACTS = {
  features: join(REPO_ROOT, 'contracts/asset-health/features.yaml'),
  anomalyScores: join(REPO_ROOT, 'contracts/asset-health/anomaly-scores.yaml'),
  alerts: join(REPO_ROOT, 'contracts/asset-health/alerts.yaml'),
  cleanReadings: join(REPO_ROOT, 'contracts/plant-telemetry/clean.yaml'),
} as const;
