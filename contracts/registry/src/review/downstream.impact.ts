import type { KafkaPort } from '@fieldmesh/kafka';
import { type LineageGraph, LineageReadFailed, readLineageGraph } from '@fieldmesh/lineage';
import { Logger } from '@nestjs/common';
import type { DownstreamImpact } from '../analysis/proposal.analysis';

/**
 * What lineage says is downstream of a contract's topic: the jobs that read it (and what they read it
 * through), the product topics they write and the ClickHouse tables at the end. `productOf` names a topic
 * by its contract id when one governs it.
 */
export function downstreamOf(graph: LineageGraph, topics: string[], productOf: (topic: string) => string | undefined): DownstreamImpact[] {
  const impacts = new Map<string, DownstreamImpact>();
  const add = (impact: DownstreamImpact) => impacts.has(`${impact.kind}|${impact.name}`) || impacts.set(`${impact.kind}|${impact.name}`, impact);
  for (const root of graph.datasets().filter((dataset) => topics.includes(dataset.name) && dataset.namespace.startsWith('kafka://'))) {
    const walk = graph.downstream({ namespace: root.namespace, name: root.name });
    const datasets = new Map(walk.nodes.map((node) => [node.id, node]));
    const jobNames = new Map(graph.jobs.map((job) => [job.id, job.name]));
    for (const edge of walk.edges) {
      const from = datasets.get(edge.from);
      const to = datasets.get(edge.to);
      const job = jobNames.get(edge.job) ?? edge.job;
      if (from) add({ kind: 'job', name: job, via: from.name });
      if (!to) continue;
      if (to.namespace.startsWith('clickhouse://')) add({ kind: 'table', name: to.name, via: job });
      else if (to.namespace.startsWith('kafka://')) add({ kind: 'product', name: productOf(to.name) ?? to.name, via: job });
    }
  }
  return [...impacts.values()];
}

/** How long a read of the lineage topic serves proposals before it is read again. */
const GRAPH_TTL_MS = 30_000;

/**
 * The lineage graph for proposal analysis, read from the lineage topic at most every 30 s. A missing topic
 * (no job has reported yet) is an empty graph; a failing read is logged and also analysed as no impact,
 * so a review never blocks on lineage.
 */
export class LineageSource {
  private readonly logger = new Logger('ContractReview');
  private cached: { graph: LineageGraph | undefined; readAt: number } | undefined;
  private reading: Promise<LineageGraph | undefined> | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topic: string,
  ) {}

  async graph(): Promise<LineageGraph | undefined> {
    if (this.cached && Date.now() - this.cached.readAt < GRAPH_TTL_MS) return this.cached.graph;
    this.reading ??= readLineageGraph(this.kafka, { topic: this.topic, timeoutMs: 10_000 })
      .catch((error: unknown) => {
        if (!(error instanceof LineageReadFailed && error.reason.startsWith('the topic does not exist'))) {
          this.logger.warn(`downstream impact left out of proposal analyses: ${(error as Error).message}`);
        }
        return undefined;
      })
      .then((graph) => {
        this.cached = { graph, readAt: Date.now() };
        return graph;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}
