import { LineageDatasetUnknown, type LineageGraph, type LineageNode as GraphNode, type LineageRef, type LineageWalk } from '@fieldmesh/lineage';
import type { LineageDatasetView, LineageEdge, LineageGraphView, LineageNode, LineageNodeKind } from '../../api/types';

type DatasetKind = LineageDatasetView['kind'];

/** What a dataset is, from its OpenLineage namespace scheme. */
export function datasetKind(namespace: string): DatasetKind {
  const scheme = namespace.slice(0, namespace.indexOf('://'));
  switch (scheme) {
    case 'mqtt':
      return 'mqtt';
    case 'opcua':
      return 'opcua';
    case 'clickhouse':
      return 'table';
    default:
      return 'topic';
  }
}

function viewNode(node: GraphNode): LineageNode {
  const kind: LineageNodeKind = node.field === undefined ? datasetKind(node.namespace) : 'column';
  return {
    id: node.field === undefined ? `${kind}:${node.name}` : `column:${node.name}#${node.field}`,
    kind,
    label: node.field ?? node.name,
    namespace: node.namespace,
    name: node.name,
    field: node.field ?? null,
  };
}

function jobNode(jobId: string): LineageNode {
  const slash = jobId.indexOf('/');
  const namespace = slash < 0 ? '' : jobId.slice(0, slash);
  const name = slash < 0 ? jobId : jobId.slice(slash + 1);
  return { id: `job:${name}`, kind: 'job', label: name, namespace, name, field: null };
}

/**
 * The graph the console draws for a dataset or a column: both walks (upstream to the MQTT topics and OPC
 * UA nodes, downstream to the ClickHouse tables) merged. Between datasets the job is a node of its own
 * (source → job → product); between columns the edge goes straight from column to column, labelled with
 * the job and the derivation, since a job node would merge the distinct column flows it carries.
 */
export function lineageView(graph: LineageGraph, ref: LineageRef): LineageGraphView {
  const walks: LineageWalk[] = [graph.upstream(ref), graph.downstream(ref)];
  const byGraphId = new Map<string, LineageNode>();
  for (const walk of walks) for (const node of walk.nodes) byGraphId.set(node.id, viewNode(node));
  const nodes = new Map<string, LineageNode>([...byGraphId.values()].map((n) => [n.id, n]));
  const edges = new Map<string, LineageEdge>();
  const addEdge = (edge: LineageEdge) => edges.set(`${edge.from}|${edge.to}|${edge.label ?? ''}`, edge);
  for (const walk of walks) {
    for (const edge of walk.edges) {
      const from = byGraphId.get(edge.from);
      const to = byGraphId.get(edge.to);
      if (!from || !to) continue;
      const job = jobNode(edge.job);
      if (from.kind === 'column' || to.kind === 'column') {
        const derivation = [edge.subtype, edge.transformation].filter(Boolean).join(': ');
        addEdge({ from: from.id, to: to.id, label: derivation ? `${job.name} (${derivation})` : job.name });
      } else {
        nodes.set(job.id, job);
        addEdge({ from: from.id, to: job.id });
        addEdge({ from: job.id, to: to.id });
      }
    }
  }
  const root = byGraphId.get(walks[0]!.root)!;
  return { root: root.id, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** Every dataset in the graph, by kind then name, with its schema's column names. */
export function lineageDatasets(graph: LineageGraph): LineageDatasetView[] {
  return graph
    .datasets()
    .map((d) => {
      const schema = d.facets?.schema as { fields?: Array<{ name?: unknown }> } | undefined;
      const fields = (schema?.fields ?? []).map((f) => f.name).filter((n): n is string => typeof n === 'string');
      return { kind: datasetKind(d.namespace), namespace: d.namespace, name: d.name, fields };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/**
 * The dataset (or `dataset#column`) a user names, as LineageGraph.resolve finds it; when the name exists in
 * several namespaces (the lineage topic outlives a cluster's address: a restarted test stack, a moved
 * broker), the one in the console's own Kafka cluster or ClickHouse server is meant.
 */
export function resolveDataset(graph: LineageGraph, text: string, ownNamespaces: readonly string[]): LineageRef {
  try {
    return graph.resolve(text);
  } catch (error) {
    if (!(error instanceof LineageDatasetUnknown) || error.candidates.length < 2) throw error;
    const own = error.candidates.filter((id) => ownNamespaces.some((namespace) => id.startsWith(`${namespace}/`)));
    if (own.length !== 1) throw error;
    const hash = text.lastIndexOf('#');
    return graph.resolve(hash < 0 ? own[0]! : `${own[0]}${text.slice(hash)}`);
  }
}
