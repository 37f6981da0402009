/** Where an event was being sent when it failed. */
export type LineageTransport = 'kafka' | 'http';

/** A lineage event could not be delivered; the job itself may carry on (lineage is metadata, not data). */
export class LineageEmitFailed extends Error {
  override readonly name = 'LineageEmitFailed';
  constructor(
    readonly transport: LineageTransport,
    readonly target: string,
    readonly job: string,
    readonly eventType: string,
    options: { cause: unknown },
  ) {
    super(
      `The ${eventType} lineage event of job ${job} was not delivered to ${target} (${transport}): ${messageOf(options.cause)}. ` +
        (transport === 'kafka'
          ? 'Check that Kafka is reachable; the event can be emitted again (it is keyed by job).'
          : 'Check that the OpenLineage endpoint is up and accepts POST /api/v1/lineage, or remove httpUrl from the lineage config.'),
      options,
    );
  }
}

/** The lineage topic could not be read to its end in time. */
export class LineageReadFailed extends Error {
  override readonly name = 'LineageReadFailed';
  constructor(
    readonly topic: string,
    readonly reason: string,
    options?: { cause: unknown },
  ) {
    super(`Reading lineage from ${topic} failed: ${reason}.`, options);
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** A dataset named on a lineage query is not in the graph (no job reported it). */
export class LineageDatasetUnknown extends Error {
  override readonly name = 'LineageDatasetUnknown';
  constructor(
    readonly query: string,
    readonly candidates: string[],
  ) {
    super(
      candidates.length > 1
        ? `'${query}' names ${candidates.length} datasets: ${candidates.join(', ')}. Give the full id (<namespace>/<name>) of one of them.`
        : `No job has reported a dataset named '${query}' in its lineage. Check the name (a topic, <database>.<table>, an MQTT topic or OPC UA node id, with #<field> for a column) and that the jobs run with a lineage emitter.`,
    );
  }
}
