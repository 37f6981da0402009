import { join } from 'node:path';
import { badJsonMessage, type BadInputKind } from './bad-input';
import { type FailureScheduleEntry, parseSimulatorConfig, type SimulatorConfig, type SimulatorConfigInput } from './config';
import { UnknownAsset, UnknownLine } from './errors';
import type { FailureEpisode, FailureMode } from './failure.modes';
import { freePort } from './free-port';
import { LabelsWriter } from './labels.writer';
import { LineGate } from './line.gate';
import { MqttJsonPublisher } from './mqtt-json.publisher';
import { jsonDeviceId, sparkplugNodeId, tlsMaterialFor } from './mqtt.identities';
import { OpcuaPlantServer } from './opcua.server';
import { PlantSimulation } from './plant.simulation';
import { buildPlant, linePathOf, type Asset, type Plant } from './plant.model';
import type { OutputName, PlantOutput } from './plant.output';
import { loadReplayMapping } from './replay.mapping';
import { ReplaySource } from './replay.source';
import type { SignalName } from './signal.catalog';
import { SparkplugPublisher } from './sparkplug.publisher';
import { SimulationSource, TickRunner, type RunnerStats } from './tick.runner';

export interface InjectFailureRequest {
  /** ISA-95 path, or a unique tail such as `line-1/pump-1`. */
  asset: string;
  mode: FailureMode;
  signal?: SignalName;
  durationSeconds: number;
  /** Simulated seconds from now until onset; 0 (now) by default. */
  inSeconds?: number;
}

export interface BadInputRequest {
  kind: BadInputKind;
  asset?: string;
  signal?: SignalName;
  /** Size of the `oversized` payload; 2 MiB by default. */
  oversizedBytes?: number;
}

export interface SimulatorStats extends RunnerStats {
  published: Record<OutputName, number>;
  rebirths: number;
  badInputs: number;
}

export interface SimulatorHandle {
  readonly config: SimulatorConfig;
  readonly plant: Plant;
  /** `opc.tcp://127.0.0.1:<port>` when the OPC UA server runs. */
  readonly opcuaEndpoint?: string;
  /** The OPC UA server certificate (PEM) a client must trust for Sign/SignAndEncrypt. */
  readonly opcuaCertificateFile?: string;
  /** Resolves when the configured duration or the replay ends (never, without one, until stop()). */
  readonly done: Promise<void>;
  injectFailure(request: InjectFailureRequest): FailureEpisode;
  injectBadInput(request: BadInputRequest): Promise<void>;
  /** Holds an asset at a load set point, in %. */
  setLoad(asset: string, load: number, holdSeconds?: number): void;
  /**
   * Takes a line off the air: its assets' readings stop on every output (MQTT JSON, Sparkplug, OPC UA)
   * until resumeLine. `linePath` is the ISA-95 line path (`acme/berlin/press-shop/line-1`) or a unique
   * tail (`berlin/press-shop/line-1`); returns the full path.
   */
  stopLine(linePath: string): string;
  /** Puts a stopped line back on the air; its readings continue from the present plant time. */
  resumeLine(linePath: string): string;
  /** Full paths of the lines stopped now. */
  stoppedLines(): string[];
  stats(): SimulatorStats;
  /** The OPC UA alarm on an asset's signal as the server holds it; undefined without the OPC UA server or an alarm there. */
  opcuaAlarm(asset: string, signal: SignalName): ReturnType<OpcuaPlantServer['alarmState']>;
  labels(): FailureEpisode[];
  stop(): Promise<void>;
}

export function resolveAsset(plant: Plant, reference: string): Asset {
  const matches = plant.assets.filter((asset) => asset.path === reference || asset.path.endsWith(`/${reference}`));
  const [match] = matches;
  if (matches.length !== 1 || !match)
    throw new UnknownAsset(
      reference,
      plant.assets.map((asset) => asset.path),
    );
  return match;
}

export function resolveLine(plant: Plant, reference: string): string {
  const lines = [...new Set(plant.assets.map(linePathOf))];
  const matches = lines.filter((line) => line === reference || line.endsWith(`/${reference}`));
  const [match] = matches;
  if (matches.length !== 1 || !match) throw new UnknownLine(reference, lines);
  return match;
}

/** Puts a configured failure schedule (onsets in seconds after `startTimeMs`) into a simulation. */
export function injectSchedule(simulation: PlantSimulation, plant: Plant, failures: readonly FailureScheduleEntry[], startTimeMs: number): void {
  for (const entry of failures) {
    simulation.inject({
      assetPath: resolveAsset(plant, entry.asset).path,
      mode: entry.mode,
      ...(entry.signal ? { signal: entry.signal } : {}),
      startMs: startTimeMs + entry.at * 1000,
      durationMs: entry.duration * 1000,
      ...(entry.severity === undefined ? {} : { severity: entry.severity }),
    });
  }
}

/** Starts the simulated (or replayed) plant and its protocol outputs in this process. */
export async function startSimulator(input: SimulatorConfigInput): Promise<SimulatorHandle> {
  const config = parseSimulatorConfig(input);
  const startTimeMs = config.startTimeMs ?? Date.now();
  const labelsWriter = new LabelsWriter(config.labels ?? { jsonl: join(config.stateDir, 'labels.jsonl') });
  const replay = config.replay ? new ReplaySource(config.replay.csv, loadReplayMapping(config.replay.mapping), config.replay.historical) : undefined;
  const plant = replay?.plant ?? buildPlant(config.plant);
  const simulation = new PlantSimulation(plant, { seed: config.seed, startTimeMs, onEpisodeEnd: (episode) => labelsWriter.write(episode) });
  // A recording's labels are known up front; a simulation's are written as each episode ends.
  for (const episode of replay?.labels() ?? []) labelsWriter.write(episode);
  injectSchedule(simulation, plant, config.failures, startTimeMs);

  const tlsFiles = config.mqtt?.tls;
  const clientIdPrefix = config.mqtt?.clientIdPrefix ?? '';
  const jsonDevices = tlsFiles
    ? plant.assets.map((asset) => ({ assetPath: asset.path, clientId: `${clientIdPrefix}-${jsonDeviceId(asset)}`, tlsMaterial: tlsMaterialFor(tlsFiles, jsonDeviceId(asset)) }))
    : undefined;
  const json = config.json && config.mqtt ? new MqttJsonPublisher({ ...config.mqtt, clientId: `${config.mqtt.clientIdPrefix}-json` }, jsonDevices) : undefined;
  const sparkplug =
    config.sparkplug && config.mqtt
      ? new SparkplugPublisher(plant.lines, {
          ...config.mqtt,
          maxMetricsPerMessage: config.mqtt.sparkplugMaxMetricsPerMessage,
          tlsMaterialOf: tlsFiles ? (line) => tlsMaterialFor(tlsFiles, sparkplugNodeId(line)) : undefined,
        })
      : undefined;
  const opcua = config.opcua ? new OpcuaPlantServer(plant, { ...config.opcua, port: config.opcua.port || (await freePort()), stateDir: config.stateDir }) : undefined;
  const outputs: PlantOutput[] = [json, sparkplug, opcua].filter((output): output is NonNullable<typeof output> => output !== undefined);
  const started: PlantOutput[] = [];
  try {
    for (const output of outputs) {
      await output.start();
      started.push(output);
    }
  } catch (error) {
    await Promise.allSettled(started.map((output) => output.stop()));
    throw error;
  }

  let badInputs = 0;
  const lines = new LineGate(replay ?? new SimulationSource(simulation, 1000 / config.rate, config.durationSeconds ? startTimeMs + config.durationSeconds * 1000 : undefined));
  const runner = new TickRunner(lines, outputs, {
    speed: config.speed,
    originMs: replay?.firstTimestampMs ?? startTimeMs,
    ...(config.maxLeadSeconds === undefined ? {} : { maxLeadMs: config.maxLeadSeconds * 1000 }),
  });
  let stopping: Promise<void> | undefined;

  const stop = () => {
    stopping ??= (async () => {
      await runner.stop();
      simulation.finish();
      await Promise.allSettled(outputs.map((output) => output.stop()));
    })();
    return stopping;
  };

  return {
    config,
    plant,
    ...(opcua ? { opcuaEndpoint: opcua.endpointUrl, opcuaCertificateFile: opcua.certificateFile } : {}),
    opcuaAlarm: (asset, signal) => {
      const resolved = resolveAsset(plant, asset);
      return opcua?.alarmState({ site: resolved.site, line: resolved.line, id: resolved.id }, signal);
    },
    done: runner.done,
    injectFailure(request) {
      if (replay) throw new Error('injectFailure: a replayed plant plays back what was recorded; inject failures into a simulated plant');
      return simulation.inject({
        assetPath: resolveAsset(plant, request.asset).path,
        mode: request.mode,
        ...(request.signal ? { signal: request.signal } : {}),
        startMs: simulation.nowMs + (request.inSeconds ?? 0) * 1000,
        durationMs: request.durationSeconds * 1000,
      });
    },
    async injectBadInput(request) {
      const asset = resolveAsset(plant, request.asset ?? plant.assets[0]?.path ?? '');
      const signal = asset.signals.find((candidate) => candidate.name === (request.signal ?? 'bearing_temperature')) ?? asset.signals[0];
      if (!signal)
        throw new UnknownAsset(
          `${asset.path}/${request.signal}`,
          asset.signals.map((s) => `${asset.path}/${s.name}`),
        );
      if (request.kind === 'unknown-alias') {
        const session = sparkplug?.session(asset.site, asset.line);
        if (!session) throw new Error('injectBadInput unknown-alias needs the Sparkplug output: start with sparkplug: true');
        const alias = session.node.maxAlias() + 1000;
        await session.send(session.node.rawDdata(asset.id, { timestamp: Date.now(), metrics: [{ alias, type: 'Double', value: 42, timestamp: Date.now() }] }));
      } else {
        if (!json) throw new Error(`injectBadInput ${request.kind} needs the MQTT JSON output: start with json: true`);
        const message = badJsonMessage(request.kind, asset, signal, simulation.nowMs, request.oversizedBytes ?? 2 * 1024 * 1024);
        await json.publishRaw(message.topic, message.payload);
      }
      badInputs += 1;
    },
    setLoad(asset, load, holdSeconds) {
      simulation.setLoad(resolveAsset(plant, asset).path, load, holdSeconds);
    },
    stopLine(linePath) {
      const line = resolveLine(plant, linePath);
      lines.stop(line);
      return line;
    },
    resumeLine(linePath) {
      const line = resolveLine(plant, linePath);
      lines.resume(line);
      return line;
    },
    stoppedLines() {
      return lines.stoppedLines();
    },
    stats() {
      const published: Record<OutputName, number> = { 'mqtt-json': 0, sparkplug: 0, opcua: 0 };
      for (const output of outputs) published[output.name] = output.published();
      return { ...runner.stats(), published, rebirths: sparkplug?.rebirths() ?? 0, badInputs };
    },
    labels() {
      return replay ? replay.labels() : simulation.labels();
    },
    stop,
  };
}
