/** How many problems a dead letter spells out; the rest are only counted. */
const EXAMPLES = 5;
/** Metric names come from the wire: a long one is cut in the reason. */
const NAME_CHARS = 64;

export type MetricProblemClass = 'SparkplugMetricUnreadable' | 'UnknownSparkplugAlias';

/** A metric name or alias fit for a reason: quoted, cut to a bound. */
export function metricLabel(name: string | undefined, alias: number | undefined): string {
  if (name === undefined) return `alias ${alias ?? '(none)'}`;
  return `metric "${name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS)}…` : name}"`;
}

/**
 * What was wrong with the metrics of one Sparkplug message. However many metrics failed, the message
 * becomes one dead letter whose reason names the first few problems and counts the others, so that a
 * message of thousands of bad metrics costs one small record rather than thousands of copies of itself.
 */
export class MetricProblems {
  private readonly examples: string[] = [];
  private readonly classes = new Set<MetricProblemClass>();
  private total = 0;

  add(errorClass: MetricProblemClass, description: string): void {
    this.total++;
    this.classes.add(errorClass);
    if (this.examples.length < EXAMPLES) this.examples.push(description);
  }

  get count(): number {
    return this.total;
  }

  has(errorClass: MetricProblemClass): boolean {
    return this.classes.has(errorClass);
  }

  /** The dead letter's class: the one class when all problems share it, else a class naming both. */
  errorClass(): string {
    return this.classes.size === 1 ? [...this.classes][0]! : 'SparkplugMetricsRejected';
  }

  /** `3 of 40 metrics not read: <first problems>; … and 1 more`, bounded whatever the message held. */
  reason(metricCount: number): string {
    const more = this.total - this.examples.length;
    return `${this.total} of ${metricCount} metrics not read: ${this.examples.join('; ')}${more > 0 ? `; … and ${more} more` : ''}`;
  }
}
