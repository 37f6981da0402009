import { fileURLToPath } from 'node:url';
import type { ClickhouseSinkConfig } from '@fieldmesh/connector-clickhouse-sink';
import { KillableProcess } from './killable.process';

const entry = fileURLToPath(new URL('./sink.main.ts', import.meta.url));

/** The ClickHouse sink (connectors/clickhouse-sink) as its own OS process, so a test can kill -9 it. */
export class SinkProcess {
  private readonly process: KillableProcess;

  constructor(
    private readonly config: ClickhouseSinkConfig,
    logFile: string,
  ) {
    this.process = new KillableProcess('clickhouse sink', logFile);
  }

  /** Exits nobody asked for, e.g. a start that failed because Kafka or ClickHouse was down at that moment. */
  get unexpectedExits(): readonly string[] {
    return this.process.unexpectedExits;
  }

  get alive(): boolean {
    return this.process.alive;
  }

  start(onUnexpectedExit?: () => void): void {
    this.process.spawn(entry, [JSON.stringify(this.config)], onUnexpectedExit);
  }

  /** Resolves once this start consumes (tables provisioned, consumer group joined). */
  async ready(timeoutMs = 60_000): Promise<void> {
    await this.process.logged(/^sink ready$/m, timeoutMs);
  }

  kill(): Promise<boolean> {
    return this.process.kill();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
