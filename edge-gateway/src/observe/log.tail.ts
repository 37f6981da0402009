import { MAX_LOG_TAIL_LINES } from '@fieldmesh/connect';

/**
 * The gateway's last log lines in memory, each with its time, for the log-tail diagnostic: an operator
 * reads what the gateway said without a shell on the box. Bounded: the oldest line goes when it is full.
 */
export class LogTail {
  private readonly lines: string[] = [];

  constructor(
    private readonly capacity = MAX_LOG_TAIL_LINES,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A log function that keeps each line here and passes it on to `say`. */
  wrap(say: (line: string) => void): (line: string) => void {
    return (line) => {
      this.lines.push(`${new Date(this.clock()).toISOString()} ${line}`);
      if (this.lines.length > this.capacity) this.lines.shift();
      say(line);
    };
  }

  /** The last `count` lines, oldest first. */
  last(count: number): string[] {
    return this.lines.slice(-count);
  }
}
