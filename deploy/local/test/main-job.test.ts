import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachStack } from '@fieldmesh/testing';
import { describe, expect, inject, it } from 'vitest';
import { runMainJob } from '../src/main-job/main-job';
import { reconcile } from '../src/main-job/report';

describe('the main job', () => {
  it('runs the simulated plant through the gateway into Kafka and accounts for every message', async () => {
    const lines: string[] = [];
    const report = await runMainJob({
      stack: attachStack(inject('stackDir')),
      stateDir: await mkdtemp(join(tmpdir(), 'fm-main-job-')),
      durationSeconds: 45,
      progressEverySeconds: 5,
      signal: new AbortController().signal,
      output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    });
    expect(reconcile(report).filter((check) => !check.ok)).toEqual([]);
    expect(report.plant.published['mqtt-json']).toBeGreaterThan(1000);
    expect(report.plant.published.opcua).toBeGreaterThan(1000);
    expect(report.kafka['plant.telemetry.raw.v1']).toBeGreaterThan(2 * 1000);
    expect(report.failures).toBeGreaterThan(0);
    expect(lines.some((line) => /\] plant \d+\/s → gateway \d+\/s/.test(line))).toBe(true);
    expect(lines.join('\n')).toContain('Every message is accounted for.');
  }, 180_000);
});
