import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@fieldmesh/stack';
import { KillableProcess, type ProcessExit } from './killable.process';

/** What the main job's final report says, read from its output. */
export interface MainJobOutcome {
  exit: ProcessExit;
  /** Its report from the 'Fieldmesh main job' heading on; empty when it never got that far. */
  report: string;
  /** The reconciliation lines that failed ('FAIL …'). */
  failedChecks: string[];
  /** Whether the report said 'Every message is accounted for.' */
  accountedFor: boolean;
  /** The stages it named as stalled. */
  stalls: string[];
}

/**
 * `npm start` (deploy/local's `main.ts start --duration <s>`) as its own OS process on an existing stack,
 * the way a person runs it: its output (progress, then the report) goes to one log file, and its exit code
 * says whether every message was accounted for and no stage stalled.
 */
export class MainJobProcess {
  private readonly process: KillableProcess;

  constructor(logFile: string) {
    this.process = new KillableProcess('main job', logFile);
  }

  get logFile(): string {
    return this.process.logFile;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get alive(): boolean {
    return this.process.alive;
  }

  /** Exits before the end of its duration, which is a crash. */
  get unexpectedExits(): readonly string[] {
    return this.process.unexpectedExits;
  }

  /**
   * Starts it on the stack in `stackDir`, which must be running: `start` would otherwise start a fresh stack
   * in that folder, removing the one there.
   */
  start(stackDir: string, durationSeconds: number): void {
    this.process.spawn(join(REPO_ROOT, 'deploy/local/src/main.ts'), ['start', '--dir', stackDir, '--duration', String(durationSeconds)]);
  }

  /** Resolves once the plant publishes and the duration counts (the job prints 'Main job running'). */
  async running(timeoutMs = 180_000): Promise<void> {
    await this.process.logged(/^Main job running/m, timeoutMs);
  }

  /** Waits for it to end by itself and reads its report. */
  async outcome(): Promise<MainJobOutcome> {
    const exit = await this.process.ended();
    const text = await readFile(this.process.logFile, 'utf8');
    const from = text.lastIndexOf('Fieldmesh main job:');
    const report = from < 0 ? '' : text.slice(from);
    return {
      exit,
      report,
      failedChecks: report
        .split('\n')
        .filter((line) => /^\s+FAIL /.test(line))
        .map((line) => line.trim()),
      accountedFor: report.includes('Every message is accounted for.'),
      stalls: /^STALLED: (.+) stopped producing/m.exec(report)?.[1]?.split(', ') ?? [],
    };
  }

  /** SIGTERM, as Ctrl-C: it stops the plant, drains and reports. For a run that must end early. */
  stop(): Promise<void> {
    return this.process.stop();
  }
}
