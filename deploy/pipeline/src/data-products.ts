import { basename, join } from 'node:path';
import { type ClickhouseSinkHandle, startClickhouseSink } from '@fieldmesh/connector-clickhouse-sink';
import { type AssetHealthDomain, startAssetHealth } from '@fieldmesh/domain-asset-health';
import { domain as energyDomain, type EnergyDomain } from '@fieldmesh/domain-energy';
import { domain as plantTelemetryDomain, type PlantTelemetryDomain } from '@fieldmesh/domain-plant-telemetry';
import type { KafkaPort } from '@fieldmesh/kafka';
import { lineageEmitter, type LineageEmitter, streamJobLineage } from '@fieldmesh/lineage';
import { startDomain } from '@fieldmesh/products';
import { REPO_ROOT } from '@fieldmesh/testing';

/** The domain services, the anomaly operator and the ClickHouse sink, running in this process. */
export interface DataProducts {
  plantTelemetry: PlantTelemetryDomain;
  energy: EnergyDomain;
  assetHealth: AssetHealthDomain;
  sink: ClickhouseSinkHandle;
  lineage: LineageEmitter;
  close(): Promise<void>;
}

export interface DataProductsOptions {
  kafka: KafkaPort;
  brokers: string;
  registryUrl: string;
  stateDir: string;
  /** A ClickHouse server; chDB embedded in this process when absent. */
  clickhouse?: { url: string; username: string; password: string };
  warn: (line: string) => void;
}

/**
 * The consumer groups of the jobs that keep event-time windows. Their watermarks outlive a run (in
 * `_fieldmesh.checkpoints.<group>`), which is why the plant's clock must never start behind them: see plantClockStart.
 */
export const WINDOWED_JOB_GROUPS = { clean: 'plant-telemetry.clean', energy: 'energy.consumption-15m', features: 'asset-health.features' } as const;

/**
 * Starts every data product downstream of the gateway, consumers first so that nothing the plant sends
 * waits for a group to form: plant-telemetry (raw → clean), energy (clean → 15-min consumption),
 * asset-health (clean → features → anomaly scores and alerts) and the sink (every product → ClickHouse).
 * Each reports its OpenLineage run to `_fieldmesh.lineage`.
 */
export async function startDataProducts(options: DataProductsOptions): Promise<DataProducts> {
  const lineage = lineageEmitter({ kafka: options.kafka });
  const common = { kafka: { brokers: [options.brokers] }, registryUrl: options.registryUrl, root: REPO_ROOT };
  const plantTelemetry = await startDomain(plantTelemetryDomain, { ...common, groups: { clean: WINDOWED_JOB_GROUPS.clean } }, { lineage });
  const energy = await startDomain(energyDomain, { ...common, groups: { 'consumption-15m': WINDOWED_JOB_GROUPS.energy } }, { lineage });
  const assetHealth = await startAssetHealth({ ...common, groups: { features: WINDOWED_JOB_GROUPS.features } }, { lineage: streamJobLineage(lineage, [options.brokers]) });
  const sink = await startClickhouseSink(
    {
      kafka: { brokers: [options.brokers] },
      registryUrl: options.registryUrl,
      contractsRoot: REPO_ROOT,
      clickhouse: options.clickhouse ?? { chdbPath: join(options.stateDir, 'chdb') },
      // A fresh warehouse per run, so a group of its own that reads every topic from the start.
      groupId: `fieldmesh.clickhouse-sink.${basename(options.stateDir)}`,
      batch: { maxRows: 10_000, maxWaitMs: 500, minIntervalMs: 1_000 },
    },
    { warn: options.warn, lineage },
  );
  return {
    plantTelemetry,
    energy,
    assetHealth,
    sink,
    lineage,
    async close() {
      // Upstream first, so each stage's last outputs are still consumed by the next before it stops.
      await plantTelemetry.close();
      await energy.close();
      await assetHealth.close();
      await sink.close();
      await lineage.close();
    },
  };
}
