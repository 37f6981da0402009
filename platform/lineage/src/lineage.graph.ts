import { LineageDatasetUnknown } from './errors';
import { columnLineageFacetSchema, runEventSchema, type ColumnLineageFacet, type Dataset, type RunEvent } from './openlineage.schema';

/** A dataset, or one column (field) of it. */
export interface LineageRef {
  namespace: string;
  name: string;
  field?: string;
}

export interface LineageNode extends LineageRef {
  /** `<namespace>/<name>` or `<namespace>/<name>#<field>`. */
  id: string;
  kind: 'dataset' | 'column';
}

/** Data flows `from` → `to` through `job`. */
export interface LineageEdge {
  from: string;
  to: string;
  /** `<namespace>/<name>` of the job. */
  job: string;
  /** How a column is derived (IDENTITY, TRANSFORMATION, AGGREGATION), when the job declared it. */
  subtype?: string;
  transformation?: string;
}

export interface LineageWalk {
  root: string;
  direction: 'upstream' | 'downstream';
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface LineageJob {
  id: string;
  namespace: string;
  name: string;
  inputs: Dataset[];
  outputs: Dataset[];
  /** Type and time of the job's latest event. */
  lastEventType: string;
  lastEventTime: string;
}

export function nodeId(ref: LineageRef): string {
  return `${ref.namespace}/${ref.name}${ref.field === undefined ? '' : `#${ref.field}`}`;
}

function datasetId(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}

function node(ref: LineageRef): LineageNode {
  return {
    id: nodeId(ref),
    kind: ref.field === undefined ? 'dataset' : 'column',
    namespace: ref.namespace,
    name: ref.name,
    ...(ref.field === undefined ? {} : { field: ref.field }),
  };
}

/** The jobs as their latest run describes them: a job that changed its inputs keeps only the new ones. */
function latestRuns(events: RunEvent[]): LineageJob[] {
  const byJob = new Map<string, RunEvent[]>();
  for (const event of events) {
    const id = datasetId(event.job);
    byJob.set(id, [...(byJob.get(id) ?? []), event]);
  }
  return [...byJob.entries()].map(([id, jobEvents]) => {
    const ordered = [...jobEvents].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
    const last = ordered.at(-1)!;
    const runEvents = ordered.filter((e) => e.run.runId === last.run.runId);
    const collect = (pick: (e: RunEvent) => Dataset[] | undefined): Dataset[] => {
      const datasets = new Map<string, Dataset>();
      // Later events of the run win, so a facet sent again with new content replaces the old one.
      for (const e of runEvents) for (const d of pick(e) ?? []) datasets.set(datasetId(d), { ...d, facets: { ...datasets.get(datasetId(d))?.facets, ...d.facets } });
      return [...datasets.values()];
    };
    return {
      id,
      namespace: last.job.namespace,
      name: last.job.name,
      inputs: collect((e) => e.inputs),
      outputs: collect((e) => e.outputs),
      lastEventType: last.eventType ?? 'OTHER',
      lastEventTime: last.eventTime,
    };
  });
}

function columnLineageOf(dataset: Dataset): ColumnLineageFacet | undefined {
  const parsed = columnLineageFacetSchema.safeParse(dataset.facets?.columnLineage);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The lineage graph of every job that reported to the lineage topic: datasets, their columns and the
 * jobs between them. Column-level edges come from the column lineage facets of outputs. Upstream, where a
 * job did not declare how a field is derived, the walk continues at dataset level (every input of that
 * job), so a column's upstream still reaches the MQTT topics and OPC UA nodes the gateway read.
 */
export class LineageGraph {
  readonly jobs: LineageJob[];
  /** Events on the topic that were not OpenLineage run events (wrong shape, not JSON). */
  readonly skipped: number;
  private readonly datasetsById = new Map<string, Dataset>();
  private readonly producers = new Map<string, Array<{ job: LineageJob; output: Dataset }>>();
  private readonly consumers = new Map<string, LineageJob[]>();

  private constructor(events: RunEvent[], skipped: number) {
    this.skipped = skipped;
    this.jobs = latestRuns(events);
    for (const job of this.jobs) {
      for (const input of job.inputs) {
        this.remember(input);
        this.consumers.set(datasetId(input), [...(this.consumers.get(datasetId(input)) ?? []), job]);
      }
      for (const output of job.outputs) {
        this.remember(output);
        this.producers.set(datasetId(output), [...(this.producers.get(datasetId(output)) ?? []), { job, output }]);
      }
    }
  }

  /** Builds the graph from raw events (parsed JSON); anything that is not a valid run event is skipped and counted. */
  static fromEvents(raw: readonly unknown[]): LineageGraph {
    const events: RunEvent[] = [];
    let skipped = 0;
    for (const candidate of raw) {
      const parsed = runEventSchema.safeParse(candidate);
      if (parsed.success) events.push(parsed.data);
      else skipped += 1;
    }
    return new LineageGraph(events, skipped);
  }

  datasets(): Dataset[] {
    return [...this.datasetsById.values()];
  }

  dataset(ref: { namespace: string; name: string }): Dataset | undefined {
    return this.datasetsById.get(datasetId(ref));
  }

  /** Datasets with this name in any namespace (a topic name, `db.table`, an MQTT topic, a node id). */
  findByName(name: string): Dataset[] {
    return this.datasets().filter((d) => d.name === name);
  }

  /**
   * The dataset or column a user names: `<name>` or `<name>#<field>`, where the name is a topic,
   * `<database>.<table>`, an MQTT topic or an OPC UA node id; or the full `<namespace>/<name>[#field]`
   * when a name exists in several namespaces. Throws LineageDatasetUnknown otherwise.
   */
  resolve(text: string): LineageRef {
    const hash = text.lastIndexOf('#');
    const name = hash < 0 ? text : text.slice(0, hash);
    const field = hash < 0 ? undefined : text.slice(hash + 1);
    const exact = this.datasets().filter((d) => datasetId(d) === name);
    const matches = exact.length > 0 ? exact : this.findByName(name);
    if (matches.length !== 1) throw new LineageDatasetUnknown(text, matches.map(datasetId));
    const { namespace, name: datasetName } = matches[0]!;
    return { namespace, name: datasetName, ...(field ? { field } : {}) };
  }

  /** Everything the dataset or column is derived from, back to the sources no job produces. */
  upstream(ref: LineageRef): LineageWalk {
    return this.walk(ref, 'upstream', (current) => this.upstreamEdges(current));
  }

  /** Everything derived from the dataset or column, down to the datasets no job reads (e.g. ClickHouse tables). */
  downstream(ref: LineageRef): LineageWalk {
    return this.walk(ref, 'downstream', (current) => this.downstreamEdges(current));
  }

  private remember(dataset: Dataset): void {
    const id = datasetId(dataset);
    const known = this.datasetsById.get(id);
    this.datasetsById.set(id, known ? { ...known, facets: { ...known.facets, ...dataset.facets } } : dataset);
  }

  private walk(root: LineageRef, direction: LineageWalk['direction'], next: (ref: LineageRef) => Array<{ edge: LineageEdge; ref: LineageRef }>): LineageWalk {
    const nodes = new Map<string, LineageNode>([[nodeId(root), node(root)]]);
    const edges = new Map<string, LineageEdge>();
    const queue: LineageRef[] = [root];
    for (let current = queue.shift(); current; current = queue.shift()) {
      for (const { edge, ref } of next(current)) {
        edges.set(`${edge.from}|${edge.to}|${edge.job}`, edge);
        if (nodes.has(nodeId(ref))) continue;
        nodes.set(nodeId(ref), node(ref));
        queue.push(ref);
      }
    }
    return { root: nodeId(root), direction, nodes: [...nodes.values()], edges: [...edges.values()] };
  }

  private upstreamEdges(ref: LineageRef): Array<{ edge: LineageEdge; ref: LineageRef }> {
    const to = nodeId(ref);
    return (this.producers.get(datasetId(ref)) ?? []).flatMap(({ job, output }) => {
      const declared = ref.field === undefined ? undefined : columnLineageOf(output)?.fields[ref.field];
      if (declared) {
        return declared.inputFields.map((input) => {
          const transformation = input.transformations?.[0];
          const from: LineageRef = { namespace: input.namespace, name: input.name, field: input.field };
          return { ref: from, edge: edgeOf(nodeId(from), to, job, transformation) };
        });
      }
      return job.inputs.map((input) => ({ ref: { namespace: input.namespace, name: input.name }, edge: { from: datasetId(input), to, job: job.id } }));
    });
  }

  private downstreamEdges(ref: LineageRef): Array<{ edge: LineageEdge; ref: LineageRef }> {
    const from = nodeId(ref);
    const source = datasetId(ref);
    return (this.consumers.get(source) ?? []).flatMap((job) =>
      job.outputs.flatMap((output) => {
        // An output that declares its column lineage is taken at its word: a column it does not name as an
        // input does not flow into it. Without a declaration, the column may flow into any output.
        const facet = ref.field === undefined ? undefined : columnLineageOf(output);
        if (facet) {
          return Object.entries(facet.fields).flatMap(([field, { inputFields }]) =>
            inputFields
              .filter((input) => datasetId(input) === source && input.field === ref.field)
              .map((input) => {
                const to: LineageRef = { namespace: output.namespace, name: output.name, field };
                return { ref: to, edge: edgeOf(from, nodeId(to), job, input.transformations?.[0]) };
              }),
          );
        }
        return [{ ref: { namespace: output.namespace, name: output.name }, edge: { from, to: datasetId(output), job: job.id } }];
      }),
    );
  }
}

function edgeOf(from: string, to: string, job: LineageJob, transformation?: { subtype?: string | undefined; description?: string | undefined }): LineageEdge {
  return {
    from,
    to,
    job: job.id,
    ...(transformation?.subtype ? { subtype: transformation.subtype } : {}),
    ...(transformation?.description ? { transformation: transformation.description } : {}),
  };
}
