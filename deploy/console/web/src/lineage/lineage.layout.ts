import type { LineageEdge, LineageGraphView, LineageNode } from '../../../src/api/types';

/** Horizontal distance between node centres in a row, vertical distance between wrapped rows and between ranks. */
export const NODE_GAP = 250;
export const ROW_GAP = 58;
export const RANK_GAP = 78;
/** Nodes per row before a rank wraps (a gateway may read hundreds of MQTT topics and OPC UA nodes). */
export const PER_ROW = 5;

/**
 * Positions for a top-to-bottom lineage graph: each node's rank is the longest path from a source to it (plant
 * sources on top, ClickHouse at the bottom; a chain from MQTT to a column is a dozen ranks, which fits a
 * screen's height better than its width). Within a rank nodes are ordered by the mean position of their
 * inputs so edges cross less, and a wide rank wraps onto several rows. Cycles (which lineage should not
 * have) stop the ranking after one pass per node rather than looping.
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

  const ranks = new Map<number, string[]>();
  for (const node of nodes) {
    const r = rank.get(node.id) ?? 0;
    ranks.set(r, [...(ranks.get(r) ?? []), node.id]);
  }
  const inputs = new Map<string, string[]>();
  for (const { from, to } of links) inputs.set(to, [...(inputs.get(to) ?? []), from]);
  const label = new Map(nodes.map((node) => [node.id, node.label]));

  const positions = new Map<string, { x: number; y: number }>();
  let y = 0;
  for (const r of [...ranks.keys()].sort((a, b) => a - b)) {
    const members = ranks.get(r) ?? [];
    const weight = (id: string) => {
      const xs = (inputs.get(id) ?? []).map((from) => positions.get(from)?.x).filter((value): value is number => value !== undefined);
      return xs.length === 0 ? Number.POSITIVE_INFINITY : xs.reduce((sum, value) => sum + value, 0) / xs.length;
    };
    members.sort((a, b) => weight(a) - weight(b) || (label.get(a) ?? a).localeCompare(label.get(b) ?? b));
    for (let start = 0; start < members.length; start += PER_ROW) {
      const row = members.slice(start, start + PER_ROW);
      const offset = ((row.length - 1) * NODE_GAP) / 2;
      row.forEach((id, index) => positions.set(id, { x: index * NODE_GAP - offset, y }));
      y += ROW_GAP;
    }
    y += RANK_GAP - ROW_GAP;
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
  return node.field ? { dataset: node.name, column: node.field } : { dataset: node.name };
}
