import type { LineageEdge, LineageGraphView, LineageNode } from '../../../src/api/types';

export const COLUMN_GAP = 290;
export const ROW_GAP = 78;

/**
 * Positions for a left-to-right lineage graph: each node's column is the longest path from a source to it
 * (so plant sources sit left and ClickHouse columns right), and nodes within a column are ordered by the
 * mean row of their inputs so edges cross less. Cycles (which lineage should not have) stop the ranking
 * after one pass per node rather than looping.
 */
export function layoutGraph(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): Map<string, { x: number; y: number }> {
  const ids = new Set(nodes.map((node) => node.id));
  const links = edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to);
  const rank = new Map(nodes.map((node) => [node.id, 0]));
  for (let pass = 0; pass < nodes.length; pass += 1) {
    let changed = false;
    for (const { from, to } of links) {
      const next = (rank.get(from) ?? 0) + 1;
      if (next > (rank.get(to) ?? 0)) {
        rank.set(to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }

  const columns = new Map<number, string[]>();
  for (const node of nodes) {
    const column = rank.get(node.id) ?? 0;
    columns.set(column, [...(columns.get(column) ?? []), node.id]);
  }
  const row = new Map<string, number>();
  const inputs = new Map<string, string[]>();
  for (const { from, to } of links) inputs.set(to, [...(inputs.get(to) ?? []), from]);
  const label = new Map(nodes.map((node) => [node.id, node.label]));

  const positions = new Map<string, { x: number; y: number }>();
  for (const column of [...columns.keys()].sort((a, b) => a - b)) {
    const members = columns.get(column) ?? [];
    const weight = (id: string) => {
      const rows = (inputs.get(id) ?? []).map((from) => row.get(from)).filter((value): value is number => value !== undefined);
      return rows.length === 0 ? Number.POSITIVE_INFINITY : rows.reduce((sum, value) => sum + value, 0) / rows.length;
    };
    members.sort((a, b) => weight(a) - weight(b) || (label.get(a) ?? a).localeCompare(label.get(b) ?? b));
    const offset = ((members.length - 1) * ROW_GAP) / 2;
    members.forEach((id, index) => {
      row.set(id, index);
      positions.set(id, { x: column * COLUMN_GAP, y: index * ROW_GAP - offset });
    });
  }
  return positions;
}

/** Every node upstream and downstream of `id`, and `id` itself: what "focus" keeps lit. */
export function connectedTo(id: string, edges: readonly LineageEdge[]): Set<string> {
  const seen = new Set([id]);
  const walk = (start: string, next: (edge: LineageEdge) => [string, string]) => {
    const queue = [start];
    const visited = new Set([start]);
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const edge of edges) {
        const [here, there] = next(edge);
        if (here === current && !visited.has(there)) {
          visited.add(there);
          seen.add(there);
          queue.push(there);
        }
      }
    }
  };
  walk(id, (edge) => [edge.from, edge.to]);
  walk(id, (edge) => [edge.to, edge.from]);
  return seen;
}

/** The union of two graphs (an expanded node's lineage added to what is shown), without duplicates. */
export function mergeGraphs(a: LineageGraphView, b: LineageGraphView): LineageGraphView {
  const nodes = new Map(a.nodes.map((node) => [node.id, node]));
  for (const node of b.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
  const key = (edge: LineageEdge) => `${edge.from}→${edge.to}`;
  const edges = new Map(a.edges.map((edge) => [key(edge), edge]));
  for (const edge of b.edges) if (!edges.has(key(edge))) edges.set(key(edge), edge);
  return { root: a.root, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The `?dataset=&column=` query that shows a node's own lineage. */
export function lineageQueryFor(node: LineageNode): { dataset: string; column?: string } {
  if (node.kind !== 'column') return { dataset: node.name };
  const cut = node.name.lastIndexOf('.');
  return cut > 0 ? { dataset: node.name.slice(0, cut), column: node.name.slice(cut + 1) } : { dataset: node.name, column: node.label };
}
