import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayConfig } from '@fieldmesh/edge-gateway';
import { REPO_ROOT } from '@fieldmesh/testing';
import { stringify } from 'yaml';

/**
 * The gateway as its own OS process (`edge-gateway/src/main.ts run`), so a test can kill -9 it. Node runs
 * tsx as a loader in the same process: the kill reaches the gateway itself, not a launcher.
 */
export class GatewayProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private starts = 0;

  constructor(
    private readonly config: GatewayConfig,
    private readonly logFile: string,
  ) {}

  async start(): Promise<void> {
    const file = join(this.config.stateDir, '..', `${this.config.gatewayId}.yaml`);
    await mkdir(join(this.config.stateDir, '..'), { recursive: true });
    await writeFile(file, stringify(this.config));
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'edge-gateway/src/main.ts'), 'run', '--config', file, '--root', REPO_ROOT], { cwd: REPO_ROOT, stdio: ['ignore', log, log] });
    this.child = child;
    this.starts += 1;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Resolves once this start has logged that the gateway runs (its sources are connecting). */
  async running(timeoutMs = 60_000): Promise<void> {
    const starts = async () => ((await readFile(this.logFile, 'utf8').catch(() => '')).match(/ running; metrics and health at /g) ?? []).length;
    const deadline = Date.now() + timeoutMs;
    const wanted = this.starts;
    while ((await starts()) < wanted) {
      if (Date.now() > deadline) throw new Error(`gateway did not start within ${timeoutMs} ms; see ${this.logFile}`);
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) throw new Error(`gateway exited with code ${this.child.exitCode}; see ${this.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}
