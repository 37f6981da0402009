import type { SourceEvent } from '@fieldmesh/connect';
import { constructEventFilter, type EventFilter, ObjectTypeIds, type Variant } from 'node-opcua';
import type { SignalNode } from './signal.node';

/**
 * The event fields the connector selects, in this order (OPC UA Part 9, ConditionType and
 * AcknowledgeableConditionType). "ConditionId" is the condition's own NodeId (an empty browse path on
 * ConditionType): the object an Acknowledge call is made on.
 */
export const EVENT_FIELDS = [
  'EventId',
  'EventType',
  'SourceNode',
  'SourceName',
  'Time',
  'Severity',
  'Message',
  'ConditionName',
  'ActiveState.Id',
  'AckedState.Id',
  'Comment',
  'ConditionId',
] as const;

/** The EventFilter with one select clause per EVENT_FIELDS entry and no where clause: every event the notifier reports. */
export function conditionEventFilter(): EventFilter {
  return constructEventFilter([...EVENT_FIELDS]);
}

type EventField = (typeof EVENT_FIELDS)[number];

/** The brackets a server puts around a ConditionRefresh: protocol, not plant events. */
const REFRESH_MARKERS: ReadonlySet<string> = new Set(['RefreshStartEventType', 'RefreshEndEventType']);

const STANDARD_EVENT_TYPES = new Map<number, string>(
  Object.entries(ObjectTypeIds)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, id]) => [id, name]),
);

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'text' in value) return (value as { text?: string | null }).text ?? undefined;
  return String(value);
}

/** A standard event type by name (ExclusiveLimitAlarmType), a vendor one by its node id. */
function eventTypeName(nodeId: unknown): string {
  const id = nodeId as { namespace?: number; value?: unknown } | null | undefined;
  if (id?.namespace === 0 && typeof id.value === 'number') return STANDARD_EVENT_TYPES.get(id.value) ?? String(nodeId);
  return nodeId === null || nodeId === undefined ? 'BaseEventType' : String(nodeId);
}

function booleanOf(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * One event notification as an event: the source node is mapped to asset and signal when it is a signal
 * the connector monitors (an alarm on bearing_temperature belongs to that asset), and the EventId becomes
 * hex so that an acknowledgement can name it. Undefined when the server sent no EventId (nothing could
 * acknowledge or deduplicate it) and for the RefreshStart/RefreshEnd markers of a ConditionRefresh.
 */
export function toSourceEvent(values: readonly Variant[], deviceId: string, signals: ReadonlyMap<string, SignalNode>, receivedTime: number): SourceEvent | undefined {
  const field = (name: EventField): unknown => values[EVENT_FIELDS.indexOf(name)]?.value;
  const eventId = field('EventId');
  if (!Buffer.isBuffer(eventId) || eventId.length === 0) return undefined;
  const eventType = eventTypeName(field('EventType'));
  if (REFRESH_MARKERS.has(eventType)) return undefined;
  const sourceNode = String(field('SourceNode') ?? '');
  const signal = signals.get(sourceNode);
  const time = field('Time');
  const eventTime = time instanceof Date && Number.isFinite(time.getTime()) && time.getTime() > 0 ? time.getTime() : receivedTime;
  const conditionId = field('ConditionId');
  const severity = Number(field('Severity') ?? 0);
  const optional = {
    assetPath: signal?.assetPath,
    signal: signal?.signal,
    conditionId: conditionId === null || conditionId === undefined ? undefined : String(conditionId),
    conditionName: text(field('ConditionName')),
    active: booleanOf(field('ActiveState.Id')),
    acked: booleanOf(field('AckedState.Id')),
    comment: text(field('Comment')),
  };
  return {
    eventTime,
    deviceId,
    eventId: eventId.toString('hex'),
    eventType,
    sourceNode,
    sourceName: text(field('SourceName')) ?? sourceNode,
    severity: Math.min(1000, Math.max(0, Math.round(severity))),
    message: text(field('Message')) ?? '',
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined && v !== '')),
    sourceProtocol: 'OPC_UA',
    attributes: {},
  };
}
