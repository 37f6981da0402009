import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorConfig } from './config';
import { MqttJsonPublisher } from './mqtt-json.publisher';
import { PlantSimulation } from './plant.simulation';
import { buildPlant } from './plant.model';
import type { PlantOutput } from './plant.output';
import type { Reading } from './reading';
import { SparkplugPublisher } from './sparkplug.publisher';

export interface LoadOptions {
  protocol: 'json' | 'sparkplug';
  pointsPerSecond: number;
  durationSeconds: number;
  /** Metrics per Sparkplug DDATA (readings of one device from consecutive samples). */
  batchSize: number;
  /**
   * Stamp each reading with the wall clock as it is sent. Plant time otherwise advances at the target
   * rate in whole ticks (and Sparkplug batches span several), so it leads or trails the wall clock; a
   * latency measurement from the source timestamp needs the send time.
   */
  wallClockTimestamps?: boolean;
}

export interface LoadResult {
  points: number;
  seconds: number;
  achievedPointsPerSecond: number;
}

/** Endless readings from the simulation, cut into the units one message carries. */
class ReadingFeed {
  private readonly queues = new Map<string, Reading[]>();
  private readonly loose: Reading[] = [];

  constructor(
    private readonly simulation: PlantSimulation,
    private readonly tickMs: number,
  ) {}

  /** Up to `count` readings in plant order (MQTT JSON sends each as its own message). */
  take(count: number): Reading[] {
    while (this.loose.length < count) this.loose.push(...this.simulation.step(this.tickMs));
    return this.loose.splice(0, count);
  }

  /** `size` readings of one device, for one DDATA. */
  deviceBatch(size: number): Reading[] {
    for (;;) {
      for (const queue of this.queues.values()) if (queue.length >= size) return queue.splice(0, size);
      for (const reading of this.simulation.step(this.tickMs)) {
        const queue = this.queues.get(reading.asset.path) ?? [];
        queue.push(reading);
        this.queues.set(reading.asset.path, queue);
      }
    }
  }
}

function stampedNow(readings: readonly Reading[]): Reading[] {
  const now = Date.now();
  return readings.map((reading) => ({ ...reading, timestampMs: now }));
}

/**
 * Drives a target rate of points per second through one protocol for benchmarks, and measures what
 * the broker actually acknowledged (QoS 1): the achieved rate is acknowledged points over wall time.
 */
export async function runLoad(config: SimulatorConfig, options: LoadOptions, onProgress?: (points: number, seconds: number) => void): Promise<LoadResult> {
  if (!config.mqtt) throw new Error('load mode needs mqtt.url (--mqtt-url)');
  const plant = buildPlant(config.plant);
  const signalsPerTick = plant.assets.reduce((sum, asset) => sum + asset.signals.length, 0);
  // Plant time keeps pace with wall time at the target rate.
  const tickMs = (1000 * signalsPerTick) / options.pointsPerSecond;
  const simulation = new PlantSimulation(plant, { seed: config.seed, startTimeMs: config.startTimeMs ?? Date.now() });
  const feed = new ReadingFeed(simulation, tickMs);
  const output: PlantOutput =
    options.protocol === 'json'
      ? new MqttJsonPublisher({ ...config.mqtt, clientId: `${config.mqtt.clientIdPrefix}-load` })
      : new SparkplugPublisher(plant.lines, { ...config.mqtt, clientIdPrefix: `${config.mqtt.clientIdPrefix}-load`, maxMetricsPerMessage: options.batchSize });
  await output.start();
  const unit = options.protocol === 'json' ? 1 : options.batchSize;
  // Unacknowledged points are bounded so that a broker slower than the target shows up as a lower
  // achieved rate, not as a growing queue in this process.
  const inFlight = new Set<Promise<void>>();
  const maxInFlightPoints = Math.max(5000, 4 * unit);
  let inFlightPoints = 0;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  let sent = 0;
  let lastReport = started;
  try {
    while (performance.now() < deadline) {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.floor(options.pointsPerSecond * elapsed) - sent;
      if (inFlightPoints + unit > maxInFlightPoints) {
        await Promise.race(inFlight);
        continue;
      }
      if (due < unit) {
        await sleep(Math.max(1, (unit / options.pointsPerSecond) * 1000));
        continue;
      }
      const taken = options.protocol === 'json' ? feed.take(Math.min(due, 200, maxInFlightPoints - inFlightPoints)) : feed.deviceBatch(options.batchSize);
      const readings = options.wallClockTimestamps ? stampedNow(taken) : taken;
      sent += readings.length;
      inFlightPoints += readings.length;
      const publish = output.publish(readings).finally(() => {
        inFlight.delete(publish);
        inFlightPoints -= readings.length;
      });
      inFlight.add(publish);
      await yieldToIo();
      if (performance.now() - lastReport >= 1000) {
        lastReport = performance.now();
        onProgress?.(output.published(), (lastReport - started) / 1000);
      }
    }
    await Promise.all(inFlight);
  } finally {
    await output.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  return { points: output.published(), seconds, achievedPointsPerSecond: output.published() / seconds };
}
