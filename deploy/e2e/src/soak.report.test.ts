import { describe, expect, it } from 'vitest';
import type { ProcessMemory, SoakReport } from './soak.scenario';
import { formatSoakReport, memoryVerdict, soakProblems } from './soak.report';

function memory(name: string, mbPerHour: number | null, standardError: number | null, fittedMinutes: number): ProcessMemory {
  return {
    name,
    fittedFromMb: 500,
    fittedToMb: 500 + ((mbPerHour ?? 0) * fittedMinutes) / 60,
    fittedMinutes,
    peakMb: 600,
    slope: { mbPerHour, standardErrorMbPerHour: standardError, samples: fittedMinutes * 6, lives: 1 },
  };
}

function report(overrides: Partial<SoakReport> = {}): SoakReport {
  return {
    durationSeconds: 3600,
    wallSeconds: 3700,
    mainJob: {
      exit: { code: 0, signal: null },
      report: 'Every message is accounted for.',
      failedChecks: [],
      accountedFor: true,
      stalls: [],
      log: '/tmp/main-job.log',
      crashes: [],
    },
    faults: [{ service: 'kafka', atSeconds: 300, downSeconds: 21.5 }],
    collateral: [],
    samplesCsv: '/tmp/rss.csv',
    fittedSeconds: [1800, 3600],
    memory: [memory('main job', 3, 1.5, 30), memory('kafka', -2, 4, 28)],
    ...overrides,
  };
}

describe('memoryVerdict', () => {
  it('holds a 30-minute window to the bound by what the samples show with 95 % confidence', () => {
    expect(memoryVerdict(memory('main job', 35, 2, 30))).toBe('leak');
    // 26 MB/h measured, but within two standard errors of 20: not shown to be above the bound.
    expect(memoryVerdict(memory('main job', 26, 4, 30))).toBe('ok');
    expect(memoryVerdict(memory('main job', 5, 1, 30))).toBe('ok');
  });

  it('does not judge a slow slope in a window too short to tell it from warm-up, but fails a process running away in it', () => {
    expect(memoryVerdict(memory('main job', 600, 300, 1.5))).toBe('not judged');
    expect(memoryVerdict(memory('main job', 30_000, 1_000, 1.5))).toBe('runaway');
  });

  it('lets Kafka’s JVM grow its heap toward the -Xmx it was started with, and judges it like any other process above that', () => {
    expect(memoryVerdict({ ...memory('kafka', 400, 30, 30), peakMb: 700 })).toBe('capped');
    expect(memoryVerdict({ ...memory('kafka', 400, 30, 30), peakMb: 1400 })).toBe('leak');
    expect(memoryVerdict({ ...memory('main job', 400, 30, 30), peakMb: 700 })).toBe('leak');
  });

  it('calls a process without enough samples unmeasured', () => {
    expect(memoryVerdict(memory('mosquitto', null, null, 0))).toBe('unmeasured');
  });
});

describe('soakProblems', () => {
  it('passes a run whose main job exited 0 with every message accounted for and no process leaking', () => {
    expect(soakProblems(report())).toEqual([]);
  });

  it('names each reason a run failed: the exit, the reconciliation, a stall, a crash, a leak, a service left down', () => {
    const problems = soakProblems(
      report({
        mainJob: {
          exit: { code: 1, signal: null },
          report: '',
          failedChecks: ['FAIL Kafka raw + DLQ records = gateway forwarded: expected 10, got 9'],
          accountedFor: false,
          stalls: ['energy'],
          log: '/tmp/main-job.log',
          crashes: ['main job exited (code 1); see /tmp/main-job.log'],
        },
        collateral: ['registry was down after the kill of kafka'],
        memory: [memory('main job', 90, 5, 30), memory('kafka', null, null, 0)],
      }),
    );
    expect(problems).toEqual([
      'the main job ended before its duration: main job exited (code 1); see /tmp/main-job.log',
      'the main job exited with code 1 (see /tmp/main-job.log)',
      'the main job’s report does not account for every message',
      'reconciliation: FAIL Kafka raw + DLQ records = gateway forwarded: expected 10, got 9',
      'stalled: energy',
      'registry was down after the kill of kafka',
      'main job: resident memory grows 90.0 ± 5.0 MB/h over 30.0 min, above 20 MB/h',
      'kafka: too few samples in the fitted window to measure its memory',
    ]);
  });
});

describe('formatSoakReport', () => {
  it('prints one line per process with its slope, its uncertainty and the verdict', () => {
    const text = formatSoakReport(report());
    expect(text).toMatch(/^main job\s+1\s+180\s+30\.0\s+500\.0\s+501\.5\s+600\.0\s+\+3\.0\s+1\.5\s+ok$/m);
    expect(text).toMatch(/^kafka\s+.*-2\.0\s+4\.0\s+capped$/m);
    expect(text).toContain('Main job report: every message accounted for; no stage stalled');
  });
});
