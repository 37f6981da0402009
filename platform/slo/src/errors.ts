/** The monitor was asked to watch product topics that do not exist (yet). */
export class SloTopicsMissing extends Error {
  override readonly name = 'SloTopicsMissing';
  constructor(readonly topics: string[]) {
    super(
      `The SLO monitor cannot watch ${topics.join(', ')}: ${topics.length === 1 ? 'the topic does' : 'these topics do'} not exist. ` +
        "Provision the data products first (`fieldmesh products apply` or provisionProduct), or leave their contracts out of the monitor's list.",
    );
  }
}

/** The SLO topic could not be read to its end in time. */
export class SloEventsReadFailed extends Error {
  override readonly name = 'SloEventsReadFailed';
  constructor(
    readonly topic: string,
    readonly reason: string,
    options?: { cause: unknown },
  ) {
    super(`Reading SLO events from ${topic} failed: ${reason}.`, options);
  }
}
