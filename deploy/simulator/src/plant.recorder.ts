import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { SimulatorConfig } from './config';
import { csvLine } from './csv.format';
import { LabelsWriter } from './labels.writer';
import { PlantSimulation } from './plant.simulation';
import { buildPlant } from './plant.model';
import type { ReplayMapping } from './replay.mapping';
import { injectSchedule } from './simulator';

export interface RecordingFiles {
  csv: string;
  mapping: string;
  labels: string;
  rows: number;
  episodes: number;
}

/** `<site>.<line>.<asset>.<signal>`, the same name as the OPC UA node id. */
function columnName(asset: { site: string; line: string; id: string }, signal: string): string {
  return `${asset.site}.${asset.line}.${asset.id}.${signal}`;
}

/**
 * Runs the simulation as fast as it can and writes a labelled CSV (timestamp, one column per signal,
 * `label` with the active episodes as `<asset path>:<mode>`), the replay mapping that reads it back,
 * and the episodes as JSON lines. Missing and Bad readings are empty cells.
 */
export function recordPlant(config: SimulatorConfig, csvFile: string, onProgress?: (rows: number) => void): RecordingFiles {
  const base = csvFile.replace(/\.csv$/, '');
  const files = { csv: csvFile, mapping: `${base}.mapping.yaml`, labels: `${base}.labels.jsonl` };
  mkdirSync(dirname(csvFile), { recursive: true });
  const plant = buildPlant(config.plant);
  const startTimeMs = config.startTimeMs ?? Date.now();
  const labels = new LabelsWriter({ jsonl: files.labels });
  const simulation = new PlantSimulation(plant, { seed: config.seed, startTimeMs, onEpisodeEnd: (episode) => labels.write(episode) });
  injectSchedule(simulation, plant, config.failures, startTimeMs);

  const columns = plant.assets.flatMap((asset) => asset.signals.map((signal) => ({ asset, signal, name: columnName(asset, signal.name) })));
  const mapping: ReplayMapping = {
    timestamp: { column: 'timestamp', format: 'iso' },
    label: { column: 'label' },
    columns: columns.map(({ asset, signal, name }) => ({ column: name, asset: asset.path, signal: signal.name, unit: signal.unit, assetClass: asset.assetClass })),
  };
  writeFileSync(files.mapping, stringify(mapping));

  const indexOf = new Map(columns.map((column, index) => [column.name, index]));
  const tickMs = 1000 / config.rate;
  const ticks = Math.floor(((config.durationSeconds ?? 3600) * 1000) / tickMs);
  const fd = openSync(csvFile, 'w');
  try {
    writeSync(fd, csvLine(['timestamp', ...columns.map((column) => column.name), 'label']));
    let chunk = '';
    for (let tick = 1; tick <= ticks; tick++) {
      const cells: (string | number | null)[] = new Array(columns.length).fill(null);
      for (const reading of simulation.step(tickMs)) {
        const index = indexOf.get(columnName(reading.asset, reading.signal.name));
        if (index !== undefined && reading.quality !== 'BAD') cells[index] = reading.value;
      }
      const label = simulation
        .activeEpisodes()
        .map((episode) => `${episode.assetPath}:${episode.mode}`)
        .join(';');
      chunk += csvLine([new Date(simulation.nowMs).toISOString(), ...cells, label]);
      if (chunk.length > 1 << 20 || tick === ticks) {
        writeSync(fd, chunk);
        chunk = '';
        onProgress?.(tick);
      }
    }
  } finally {
    closeSync(fd);
  }
  simulation.finish();
  return { ...files, rows: ticks, episodes: simulation.labels().length };
}
