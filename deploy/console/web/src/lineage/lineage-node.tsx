import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { LineageNode } from '../../../src/api/types';

export type LineageFlowNode = Node<{ node: LineageNode; selected: boolean; dimmed: boolean; root: boolean }, 'lineage'>;

const KIND_LABEL: Record<LineageNode['kind'], string> = {
  mqtt: 'MQTT topic',
  opcua: 'OPC UA node',
  topic: 'Kafka topic',
  job: 'Job',
  table: 'ClickHouse table',
  column: 'Column',
};

/** A dataset, job or column in the lineage graph; edges enter on top and leave below. */
export function LineageNodeView({ data }: NodeProps<LineageFlowNode>) {
  const { node, selected, dimmed, root } = data;
  const classes = ['lineage-node', `kind-${node.kind}`, selected ? 'selected' : '', dimmed ? 'dimmed' : ''].filter(Boolean).join(' ');
  return (
    <div className={classes} data-testid={`lineage-node-${node.id}`} title={`${node.namespace}\n${node.name}`}>
      <Handle type="target" position={Position.Top} />
      <div className="kind">
        {KIND_LABEL[node.kind]}
        {root ? ' · root' : ''}
      </div>
      <div className="name">{node.label}</div>
      {node.field && <div className="dataset">{node.name}</div>}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export { KIND_LABEL };
