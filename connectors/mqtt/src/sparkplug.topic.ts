export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA' | 'NCMD' | 'DCMD' | 'STATE';

const TYPES = new Set<string>(['NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD']);

export interface SparkplugTopic {
  group: string;
  type: Exclude<SparkplugMessageType, 'STATE'>;
  node: string;
  /** Absent for node-level messages. */
  device?: string;
}

/** `spBv1.0/<group>/<type>/<edge node>[/<device>]`, or undefined when the topic is not one. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  const [namespace, group, type, node, device] = parts;
  if (namespace !== SPARKPLUG_NAMESPACE || !group || !type || !node || !TYPES.has(type) || parts.length > 5) return undefined;
  const deviceLevel = type.startsWith('D');
  if (deviceLevel !== (device !== undefined) || device === '') return undefined;
  return { group, type: type as SparkplugTopic['type'], node, ...(device !== undefined ? { device } : {}) };
}

export function ncmdTopic(group: string, node: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/NCMD/${node}`;
}
