import { describe, expect, it } from 'vitest';
import type { LineageEdge, LineageNode } from '../../../src/api/types';
import { connectedTo, layoutGraph, lineageQueryFor, mergeGraphs, PER_ROW } from './lineage.layout';

const node = (id: string, kind: LineageNode['kind'] = 'topic', field: string | null = null): LineageNode => ({
  id,
  kind,
  label: id,
  namespace: 'kafka://127.0.0.1:9092',
  name: id,
  field,
});
const edge = (from: string, to: string): LineageEdge => ({ from, to });

describe('lineage layout', () => {
  it('puts plant sources above the products derived from them and ClickHouse at the bottom', () => {
    const nodes = [node('table', 'table'), node('sink', 'job'), node('scores'), node('gateway', 'job'), node('mqtt', 'mqtt'), node('opcua', 'opcua')];
    const edges = [edge('mqtt', 'gateway'), edge('opcua', 'gateway'), edge('gateway', 'scores'), edge('scores', 'sink'), edge('sink', 'table')];
    const positions = layoutGraph(nodes, edges);
    const y = (id: string) => positions.get(id)!.y;
    expect(y('mqtt')).toBe(y('opcua'));
    expect(y('mqtt')).toBeLessThan(y('gateway'));
    expect(y('gateway')).toBeLessThan(y('scores'));
    expect(y('sink')).toBeLessThan(y('table'));
    expect(positions.get('mqtt')!.x).not.toBe(positions.get('opcua')!.x);
  });

  it('ranks a node below the longest path into it', () => {
    const positions = layoutGraph([node('a'), node('b'), node('c')], [edge('a', 'b'), edge('b', 'c'), edge('a', 'c')]);
    expect(positions.get('c')!.y).toBeGreaterThan(positions.get('b')!.y);
  });

  it('wraps a rank of many sources onto rows instead of one very wide row', () => {
    const sources = Array.from({ length: PER_ROW * 2 + 1 }, (_, index) => node(`m${index}`, 'mqtt'));
    const positions = layoutGraph(
      [...sources, node('gateway', 'job')],
      sources.map((source) => edge(source.id, 'gateway')),
    );
    const rows = new Set(sources.map((source) => positions.get(source.id)!.y));
    const columns = new Set(sources.map((source) => positions.get(source.id)!.x));
    expect(rows.size).toBe(3);
    expect(columns.size).toBe(PER_ROW);
    expect(positions.get('gateway')!.y).toBeGreaterThan(Math.max(...rows));
  });

  it('terminates on a cycle and still places every node', () => {
    const positions = layoutGraph([node('a'), node('b')], [edge('a', 'b'), edge('b', 'a')]);
    expect(positions.size).toBe(2);
  });

  it('lights everything upstream and downstream of a node, and nothing beside it', () => {
    const lit = connectedTo('b', [edge('a', 'b'), edge('b', 'c'), edge('x', 'c'), edge('y', 'z')]);
    expect([...lit].sort()).toEqual(['a', 'b', 'c']);
  });

  it('adds an expanded node’s lineage without duplicating nodes or edges, keeping the root', () => {
    const merged = mergeGraphs(
      { root: 'a', nodes: [node('a'), node('b')], edges: [edge('a', 'b')] },
      { root: 'b', nodes: [node('b'), node('c')], edges: [edge('a', 'b'), edge('b', 'c')] },
    );
    expect(merged.root).toBe('a');
    expect(merged.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(merged.edges).toHaveLength(2);
  });

  it('asks for a column’s own lineage by dataset and field', () => {
    expect(lineageQueryFor(node('asset-health.anomaly-scores.v1'))).toEqual({ dataset: 'asset-health.anomaly-scores.v1' });
    expect(lineageQueryFor({ ...node('column:t#score', 'column', 'score'), name: 'fieldmesh.t' })).toEqual({ dataset: 'fieldmesh.t', column: 'score' });
  });
});
