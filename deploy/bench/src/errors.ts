/** Something the bench waits for did not happen in time. */
export class NotReached extends Error {
  override readonly name = 'NotReached';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`Not reached within ${timeoutMs} ms: ${what}. The machine may be overloaded; check the stack's logs under .fieldmesh/bench-stack/logs.`);
  }
}

/** A helper process of the bench (load generator, ClickHouse sink) failed. */
export class HelperProcessFailed extends Error {
  override readonly name = 'HelperProcessFailed';
  constructor(
    readonly helper: string,
    readonly exitCode: number | null,
    readonly outputTail: string,
  ) {
    super(`The ${helper} process exited with code ${exitCode} before it finished. Its last output:\n${outputTail}\nRun it alone with the same arguments to see the full error.`);
  }
}
