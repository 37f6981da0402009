import { useEffect, useMemo, useState } from 'react';
import { Background, Controls, ReactFlow, type Edge } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useSearchParams } from 'react-router';
import type { LineageDatasetView, LineageGraphView, LineageNode, Page } from '../../../src/api/types';
import { get, query } from '../api/api.client';
import { useApi } from '../api/use-api';
import { ErrorBanner } from '../components/status';
import { useDebounced } from '../components/use-debounced';
import { connectedTo, layoutGraph, lineageQueryFor, mergeGraphs } from '../lineage/lineage.layout';
import { KIND_LABEL, LineageNodeView, type LineageFlowNode } from '../lineage/lineage-node';

const NODE_TYPES = { lineage: LineageNodeView };
const DEFAULT_DATASET = 'asset-health.anomaly-scores.v1';

/**
 * Where a product or a column comes from and where it goes, from the MQTT topic or OPC UA node at the
 * plant to the ClickHouse column. Click a node to focus on its path; double-click (or Expand) to add its
 * own lineage to the graph.
 */
export function LineagePage() {
  const [params, setParams] = useSearchParams();
  const dataset = params.get('dataset') || DEFAULT_DATASET;
  const column = params.get('column') ?? '';
  const loaded = useApi<LineageGraphView>(`/api/lineage${query({ dataset, column })}`);
  const [draft, setDraft] = useState(dataset);
  // Datasets matching what is typed, to pick from; and the shown dataset's columns, to narrow to one.
  const typed = useDebounced(draft.trim());
  const candidates = useApi<Page<LineageDatasetView>>(`/api/lineage/datasets${query({ search: typed, pageSize: 20 })}`);
  const current = useApi<Page<LineageDatasetView>>(`/api/lineage/datasets${query({ search: dataset, pageSize: 50 })}`);
  const fields = current.data?.items.find((item) => item.name === dataset)?.fields ?? [];
  const [graph, setGraph] = useState<LineageGraphView>();
  const [selected, setSelected] = useState<string>();
  const [expandError, setExpandError] = useState<Error>();

  useEffect(() => {
    setGraph(loaded.data);
    setSelected(undefined);
  }, [loaded.data]);
  useEffect(() => setDraft(dataset), [dataset]);

  const show = (next: { dataset: string; column?: string }) => setParams(new URLSearchParams(Object.entries(next).filter(([, value]) => value)));

  const expand = async (node: LineageNode) => {
    if (!graph) return;
    setExpandError(undefined);
    try {
      setGraph(mergeGraphs(graph, await get<LineageGraphView>(`/api/lineage${query(lineageQueryFor(node))}`)));
    } catch (cause) {
      setExpandError(cause instanceof Error ? cause : new Error(String(cause)));
    }
  };

  const lit = useMemo(() => (graph && selected ? connectedTo(selected, graph.edges) : undefined), [graph, selected]);
  const flow = useMemo(() => {
    if (!graph) return { nodes: [] as LineageFlowNode[], edges: [] as Edge[] };
    const positions = layoutGraph(graph.nodes, graph.edges);
    const nodes: LineageFlowNode[] = graph.nodes.map((node) => ({
      id: node.id,
      type: 'lineage',
      position: positions.get(node.id) ?? { x: 0, y: 0 },
      data: { node, selected: node.id === selected, dimmed: lit !== undefined && !lit.has(node.id), root: node.id === graph.root },
    }));
    const edges: Edge[] = graph.edges.map((edge) => {
      const on = lit === undefined || (lit.has(edge.from) && lit.has(edge.to));
      return {
        id: `${edge.from}→${edge.to}`,
        source: edge.from,
        target: edge.to,
        label: edge.label,
        animated: lit !== undefined && on,
        style: { stroke: on ? '#5b8def' : '#2c3235', strokeWidth: on ? 1.6 : 1 },
        labelStyle: { fill: '#8e8e9e', fontSize: 10 },
        labelBgStyle: { fill: '#111217' },
      };
    });
    return { nodes, edges };
  }, [graph, selected, lit]);

  const selectedNode = graph?.nodes.find((node) => node.id === selected);

  return (
    <>
      <div className="page-head">
        <h1>Lineage</h1>
        <span className="sub">From plant signals to ClickHouse columns, from the OpenLineage events on _fieldmesh.lineage</span>
      </div>
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          show({ dataset: draft.trim() });
        }}
      >
        <input
          data-testid="lineage-dataset"
          list="lineage-datasets"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          placeholder="Topic or table"
          style={{ minWidth: 320 }}
        />
        <datalist id="lineage-datasets">
          {(candidates.data?.items ?? []).map((item) => (
            <option key={`${item.namespace}|${item.name}`} value={item.name}>
              {item.kind}
            </option>
          ))}
        </datalist>
        <button type="submit" className="primary" data-testid="lineage-show">
          Show
        </button>
        <select data-testid="lineage-column" value={column} onChange={(event) => show({ dataset, column: event.target.value })}>
          <option value="">Whole dataset</option>
          {column && !fields.includes(column) && <option value={column}>column {column}</option>}
          {fields.map((field) => (
            <option key={field} value={field}>
              column {field}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <div className="lineage-legend">
          {(
            [
              ['mqtt', '#3fb6a8'],
              ['opcua', '#d48a3a'],
              ['topic', '#5b8def'],
              ['job', '#8f6fe0'],
              ['table', '#e0b400'],
              ['column', '#56a64b'],
            ] as const
          ).map(([kind, colour]) => (
            <span key={kind} style={{ ['--c' as string]: colour }}>
              {KIND_LABEL[kind]}
            </span>
          ))}
        </div>
      </form>
      {loaded.error && <ErrorBanner error={loaded.error} />}
      {expandError && <ErrorBanner error={expandError} />}
      {graph && graph.nodes.length === 0 && (
        <div className="notice">
          No lineage recorded for <span className="mono">{dataset}</span> yet: jobs emit it when they run.
        </div>
      )}
      <div className="grid side">
        <div className="lineage-canvas" data-testid="lineage-graph">
          {graph && (
            <ReactFlow
              key={`${dataset}|${column}`}
              nodes={flow.nodes}
              edges={flow.edges}
              nodeTypes={NODE_TYPES}
              colorMode="dark"
              fitView
              fitViewOptions={{ padding: 0.08, maxZoom: 1.2 }}
              minZoom={0.1}
              nodesDraggable
              nodesConnectable={false}
              onNodeClick={(_, node) => setSelected((current) => (current === node.id ? undefined : node.id))}
              onNodeDoubleClick={(_, node) => void expand(node.data.node)}
              onPaneClick={() => setSelected(undefined)}
            >
              <Background color="#23272c" gap={20} />
              <Controls showInteractive={false} />
            </ReactFlow>
          )}
        </div>
        <section className="panel" data-testid="lineage-details">
          {selectedNode ? (
            <>
              <h2>{selectedNode.label}</h2>
              <dl className="kv" style={{ marginBottom: 10 }}>
                <dt>Kind</dt>
                <dd>{KIND_LABEL[selectedNode.kind]}</dd>
                <dt>Name</dt>
                <dd className="mono">{selectedNode.name}</dd>
                <dt>Namespace</dt>
                <dd className="mono">{selectedNode.namespace}</dd>
                <dt>Inputs</dt>
                <dd>{graph?.edges.filter((edge) => edge.to === selectedNode.id).length ?? 0}</dd>
                <dt>Outputs</dt>
                <dd>{graph?.edges.filter((edge) => edge.from === selectedNode.id).length ?? 0}</dd>
              </dl>
              <div className="actions">
                <button data-testid="lineage-expand" onClick={() => void expand(selectedNode)}>
                  Expand
                </button>
                <button data-testid="lineage-open" onClick={() => show(lineageQueryFor(selectedNode))}>
                  Show its lineage
                </button>
              </div>
            </>
          ) : (
            <>
              <h2>
                <span className="mono">{dataset}</span>
                {column && <span className="muted"> · {column}</span>}
              </h2>
              <p className="muted">
                {graph ? `${graph.nodes.length} nodes, ${graph.edges.length} edges.` : 'Loading…'} Click a node to light its upstream and downstream path; double-click to expand
                it. Drag to pan, scroll to zoom.
              </p>
              <h3>Sources</h3>
              {(graph?.nodes ?? [])
                .filter((node) => node.kind === 'mqtt' || node.kind === 'opcua')
                .map((node) => (
                  <div key={node.id} className="mono" data-testid="lineage-source">
                    {node.label}
                  </div>
                ))}
            </>
          )}
        </section>
      </div>
    </>
  );
}
