/** The metrics port is taken, by another process or by another Fieldmesh service on the same host. */
export class MetricsPortInUse extends Error {
  override readonly name = 'MetricsPortInUse';
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} on ${host} is in use, so /metrics and /health cannot be served there (a gateway or another domain may serve its own). ` +
        'Choose another port for this process (0 picks a free one), or stop what holds it.',
      options,
    );
  }
}
