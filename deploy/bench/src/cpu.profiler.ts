import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './cpu-profile.summary';

/** Samples this process's CPU (the in-process gateway) between start() and stop(), as `--cpu-prof` would. */
export class CpuProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = await this.session.post('Profiler.stop');
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    return profile as CpuProfile;
  }
}
