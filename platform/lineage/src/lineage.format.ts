import type { LineageEdge, LineageWalk } from './lineage.graph';

function describe(edge: LineageEdge): string {
  const how = [edge.subtype, edge.transformation].filter(Boolean).join(': ');
  return `via ${edge.job}${how ? ` (${how})` : ''}`;
}

/**
 * A walk as an indented tree, the root first: upstream lines read "← source via job", downstream
 * "→ target via job". A node reached twice is printed once and referred to after.
 */
export function formatLineageTree(walk: LineageWalk): string {
  const upstream = walk.direction === 'upstream';
  const arrow = upstream ? '←' : '→';
  const children = (id: string) => walk.edges.filter((e) => (upstream ? e.to : e.from) === id);
  const lines = [`${walk.root}  (${walk.direction})`];
  const printed = new Set([walk.root]);
  const visit = (id: string, depth: number): void => {
    for (const edge of children(id)) {
      const next = upstream ? edge.from : edge.to;
      const seen = printed.has(next);
      lines.push(`${'  '.repeat(depth)}${arrow} ${next}  ${describe(edge)}${seen && children(next).length > 0 ? '  (shown above)' : ''}`);
      if (seen) continue;
      printed.add(next);
      visit(next, depth + 1);
    }
  };
  visit(walk.root, 1);
  if (lines.length === 1) lines.push(upstream ? '  (no upstream: no job reported producing it)' : '  (no downstream: no job reported reading it)');
  return lines.join('\n');
}
