import { z } from 'zod';

export const DEFAULT_LINEAGE_MAX_SOURCES = 200;
/** With long topic names, 400 sources and their column lineage make an event of about 800 kB: under Kafka's default 1 MB message limit. */
export const LINEAGE_MAX_SOURCES_LIMIT = 400;
export const DEFAULT_LINEAGE_REPORT_INTERVAL_MS = 60_000;

/** How the gateway reports the MQTT topics and OPC UA nodes it reads as OpenLineage input datasets. */
export const gatewayLineageConfigSchema = z
  .strictObject({
    maxSources: z
      .number()
      .int()
      .min(1)
      .max(LINEAGE_MAX_SOURCES_LIMIT)
      .default(DEFAULT_LINEAGE_MAX_SOURCES)
      .describe(
        'At most this many MQTT topics and OPC UA nodes are listed as inputs (each lineage event carries them all, with their column lineage); readings from further sources are counted in the run facet fieldmesh_readSources',
      )
      .meta({ examples: [200] }),
    reportIntervalMs: z
      .number()
      .int()
      .min(100)
      .default(DEFAULT_LINEAGE_REPORT_INTERVAL_MS)
      .describe('A RUNNING event reports new sources at most this often (the first ones about a second after they appear)')
      .meta({ examples: [60_000] }),
  })
  .default({ maxSources: DEFAULT_LINEAGE_MAX_SOURCES, reportIntervalMs: DEFAULT_LINEAGE_REPORT_INTERVAL_MS })
  .describe('OpenLineage reporting of the sources the gateway actually reads');

export type GatewayLineageConfig = z.output<typeof gatewayLineageConfigSchema>;
