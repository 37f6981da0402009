import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MainJobReport, reconcile, runMainJob } from '@fieldmesh/deploy-local';
import { bounceLeader, createKafka, type LeaderBounce } from '@fieldmesh/kafka';
import { kafkaNodeName, startStack, type Stack, TEST_STACKS_DIR } from '@fieldmesh/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The main job (gateway on a simulated plant, every domain job, the sink) on a 3-broker cluster while the
 * leader of a raw or clean partition is killed (kill -9) and restarted. `npm run test:long:pipeline-broker-kills`
 * runs it with FIELDMESH_PIPELINE_BROKER_KILLS=20 over a longer plant run; its figures are in the root README (Tests).
 */
const KILLS = Number(process.env.FIELDMESH_PIPELINE_BROKER_KILLS ?? 3);
/** Seconds of plant: long enough for every kill, spaced so each broker is back in sync before the next. */
const PLANT_SECONDS = Math.max(40, 4 + KILLS * 12);
const KILLED_TOPICS = ['plant.telemetry.raw.v1', 'plant.telemetry.clean.v1'];

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    dir: join(TEST_STACKS_DIR, `pipeline-broker-kills-${process.pid}`),
    kafka: { brokers: 3 },
    log: (line) => console.error(`[pipeline-broker-kills stack] ${line}`),
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the main job on a 3-broker cluster', () => {
  it(
    `keeps the gateway and every domain job running while partition leaders of raw and clean are killed (${KILLS} kill -9 and restarts): every reading in ClickHouse exactly once, no dead letters from the kills`,
    async () => {
      const testStarted = Date.now();
      const lines: string[] = [];
      let running: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (running = resolve));
      const stateDir = await mkdtemp(join(tmpdir(), 'fm-pipeline-broker-kills-'));
      const job = runMainJob({
        stack,
        stateDir,
        tokensFile: join(stateDir, 'tokens.json'),
        durationSeconds: PLANT_SECONDS,
        progressEverySeconds: 5,
        signal: new AbortController().signal,
        output: {
          // The report: every stage's counts and the reconciliation, the figures of a run.
          out: (line) => {
            lines.push(line);
            console.error(line);
          },
          err: (line) => {
            lines.push(line);
            console.error(`[pipeline-broker-kills] ${line}`);
            if (line.startsWith('Main job running')) running();
          },
        },
      });
      // A job that fails before it runs must fail the test, not leave the killer waiting.
      await Promise.race([started, job.then(() => undefined)]);
      const kills = await killLeaders(stack, KILLS, PLANT_SECONDS);
      const report = await job;
      const figures = kills.map(
        (k, i) => `kill ${i + 1}: broker ${k.node} (leader of ${k.topic}[${k.partition}]) down ${k.downMs} ms, all replicas in sync ${k.catchUpMs} ms after its restart`,
      );
      console.error(`[pipeline-broker-kills] ${KILLS} kills over ${PLANT_SECONDS} s of plant, ${Math.round((Date.now() - testStarted) / 1000)} s in all\n${figures.join('\n')}`);

      expect(kills).toHaveLength(KILLS);
      expect(reconcile(report).filter((check) => !check.ok)).toEqual([]);
      expect(report.stalls).toEqual([]);
      expect(report.plant.published['mqtt-json']).toBeGreaterThan(1_000);
      for (const topic of ['plant.telemetry.raw.v1', 'plant.telemetry.clean.v1', 'asset-health.features.v1']) {
        expect(report.warehouse?.[topic]?.rows, topic).toBeGreaterThan(0);
        expect(report.warehouse?.[topic]?.rows, topic).toBe(report.kafkaTotals?.[topic]);
      }
      expect(deadLettersFromKills(report)).toEqual({ gateway: 0, jobs: 0, sink: 0 });
    },
    (PLANT_SECONDS + 600) * 1_000,
  );
});

/** Dead letters no bad input explains: the gateway's beyond the plant's bad inputs, any job's or the sink's. */
function deadLettersFromKills(report: MainJobReport): { gateway: number; jobs: number; sink: number } {
  return {
    gateway: Math.max(0, report.gateway.deadLettered - report.plant.badInputs),
    jobs: Object.values(report.jobDeadLetters ?? {}).reduce((sum, n) => sum + n, 0),
    sink: Object.values(report.warehouse ?? {}).reduce((sum, table) => sum + table.deadLettered, 0),
  };
}

/** `count` leader kills spread over the plant's run, alternating between the raw and the clean topic. */
async function killLeaders(stack: Stack, count: number, plantSeconds: number): Promise<Array<LeaderBounce & { topic: string }>> {
  const addresses = stack.addresses;
  const kafka = createKafka({
    clientId: 'pipeline-broker-kills',
    brokers: addresses.kafkaBrokers!.split(','),
    security: {
      protocol: 'SASL_SSL',
      caFile: addresses.kafkaCaFile!,
      sasl: { mechanism: 'SCRAM-SHA-512', username: addresses.kafkaSaslUsername!, password: addresses.kafkaSaslPassword! },
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  const kills: Array<LeaderBounce & { topic: string }> = [];
  const start = Date.now();
  // The last kill leaves a fifth of the run for records to flow through a healed cluster.
  const every = (plantSeconds * 800) / (count + 1);
  try {
    for (let i = 0; i < count; i++) {
      await sleep(Math.max(0, start + (i + 1) * every - Date.now()));
      const topic = KILLED_TOPICS[i % KILLED_TOPICS.length]!;
      const partitions = (await admin.describeTopicPartitions(topic)).length;
      const bounce = await bounceLeader(admin, topic, Math.floor(Math.random() * partitions), {
        kill: (node) => stack.killService(kafkaNodeName(node)),
        start: (node) => stack.startService(kafkaNodeName(node)),
        downMs: 500 + Math.floor(Math.random() * 2_500),
      });
      kills.push({ ...bounce, topic });
      console.error(`[pipeline-broker-kills] kill ${i + 1}: broker ${bounce.node}, leader of ${topic}[${bounce.partition}], back in sync after ${bounce.catchUpMs} ms`);
    }
  } finally {
    await admin.disconnect();
  }
  return kills;
}
