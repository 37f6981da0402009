import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayConfig } from '@fieldmesh/edge-gateway';
import { REPO_ROOT } from '@fieldmesh/stack';
import { stringify } from 'yaml';
import { KillableProcess } from './killable.process';

/** What the gateway's /health answers; `pending` counts buffered records Kafka has not acknowledged yet. */
export interface GatewayHealth {
  status: string;
  uplink: boolean;
  pending: number;
  dropped: number;
  forwarded: number;
}

/** The gateway as its own OS process (`edge-gateway/src/main.ts run`), so a test can kill -9 it. */
export class GatewayProcess {
  private readonly process: KillableProcess;
  /** `http://127.0.0.1:<port>` of the current start's /metrics and /health, once running() resolved. */
  observabilityUrl = '';

  constructor(
    private readonly config: GatewayConfig,
    logFile: string,
    /** Where contracts/ and schemas/ are (`--root`). */
    private readonly root: string = REPO_ROOT,
  ) {
    this.process = new KillableProcess(`gateway ${config.gatewayId}`, logFile);
  }

  /** Exits nobody asked for: a gateway that crashes is a defect even when a supervisor would restart it. */
  get unexpectedExits(): readonly string[] {
    return this.process.unexpectedExits;
  }

  get alive(): boolean {
    return this.process.alive;
  }

  async start(onUnexpectedExit?: () => void): Promise<void> {
    const file = join(this.config.stateDir, '..', `${this.config.gatewayId}.yaml`);
    await mkdir(join(this.config.stateDir, '..'), { recursive: true });
    await writeFile(file, stringify(this.config));
    this.process.spawn(join(REPO_ROOT, 'edge-gateway/src/main.ts'), ['run', '--config', file, '--root', this.root], onUnexpectedExit);
  }

  /** Resolves once this start has logged that the gateway runs (its sources are connecting). */
  async running(timeoutMs = 60_000): Promise<void> {
    const [, url] = await this.process.logged(/ running; metrics and health at (\S+)/, timeoutMs);
    this.observabilityUrl = url!;
  }

  async health(): Promise<GatewayHealth> {
    return (await fetch(`${this.observabilityUrl}/health`)).json() as Promise<GatewayHealth>;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<boolean> {
    return this.process.kill();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
