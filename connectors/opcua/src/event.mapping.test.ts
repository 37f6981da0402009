import { DataType, LocalizedText, NodeId, resolveNodeId, Variant } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import type { SignalNode } from './signal.node';
import { EVENT_FIELDS, toSourceEvent } from './event.mapping';

const bearing: SignalNode = {
  nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature',
  assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
  signal: 'bearing_temperature',
};
const signals = new Map([[bearing.nodeId, bearing]]);

function fields(values: Partial<Record<(typeof EVENT_FIELDS)[number], Variant>>): Variant[] {
  return EVENT_FIELDS.map((name) => values[name] ?? new Variant({ dataType: DataType.Null }));
}

const alarm = {
  EventId: new Variant({ dataType: DataType.ByteString, value: Buffer.from('0a0b0c', 'hex') }),
  EventType: new Variant({ dataType: DataType.NodeId, value: resolveNodeId('i=9341') }),
  SourceNode: new Variant({ dataType: DataType.NodeId, value: resolveNodeId(bearing.nodeId) }),
  SourceName: new Variant({ dataType: DataType.String, value: 'bearing_temperature' }),
  Time: new Variant({ dataType: DataType.DateTime, value: new Date(1_795_000_000_000) }),
  Severity: new Variant({ dataType: DataType.UInt16, value: 700 }),
  Message: new Variant({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: 'Condition is 100.000 and state is High' }) }),
  ConditionName: new Variant({ dataType: DataType.String, value: 'bearing_temperature_high' }),
  'ActiveState.Id': new Variant({ dataType: DataType.Boolean, value: true }),
  'AckedState.Id': new Variant({ dataType: DataType.Boolean, value: false }),
  Comment: new Variant({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: null }) }),
  ConditionId: new Variant({ dataType: DataType.NodeId, value: resolveNodeId('ns=1;s=berlin.line-1.compressor-1.bearing_temperature_high') }),
};

describe('toSourceEvent', () => {
  it("maps a condition event to the source signal's asset, with the EventId in hex and the standard type by name", () => {
    expect(toSourceEvent(fields(alarm), 'urn:plant', signals, 1)).toEqual({
      eventTime: 1_795_000_000_000,
      deviceId: 'urn:plant',
      eventId: '0a0b0c',
      eventType: 'ExclusiveLimitAlarmType',
      sourceNode: bearing.nodeId,
      sourceName: 'bearing_temperature',
      assetPath: bearing.assetPath,
      signal: 'bearing_temperature',
      severity: 700,
      message: 'Condition is 100.000 and state is High',
      conditionId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature_high',
      conditionName: 'bearing_temperature_high',
      active: true,
      acked: false,
      sourceProtocol: 'OPC_UA',
      attributes: {},
    });
  });

  it('keeps a plain event from an unmapped node without condition fields, and a vendor event type by node id', () => {
    const event = toSourceEvent(
      fields({
        EventId: alarm.EventId,
        EventType: new Variant({ dataType: DataType.NodeId, value: new NodeId(NodeId.NodeIdType.NUMERIC, 1001, 2) }),
        SourceNode: new Variant({ dataType: DataType.NodeId, value: resolveNodeId('ns=2;s=door') }),
        Severity: new Variant({ dataType: DataType.UInt16, value: 5000 }),
      }),
      'urn:plant',
      signals,
      42,
    );
    expect(event).toEqual({
      eventTime: 42,
      deviceId: 'urn:plant',
      eventId: '0a0b0c',
      eventType: 'ns=2;i=1001',
      sourceNode: 'ns=2;s=door',
      sourceName: 'ns=2;s=door',
      severity: 1000,
      message: '',
      sourceProtocol: 'OPC_UA',
      attributes: {},
    });
  });

  it('drops the RefreshStart and RefreshEnd markers around a ConditionRefresh', () => {
    for (const type of ['i=2787', 'i=2788']) {
      expect(toSourceEvent(fields({ ...alarm, EventType: new Variant({ dataType: DataType.NodeId, value: resolveNodeId(type) }) }), 'urn:plant', signals, 1)).toBeUndefined();
    }
  });

  it('drops a notification without an EventId: nothing could acknowledge or deduplicate it', () => {
    expect(toSourceEvent(fields({ SourceNode: alarm.SourceNode }), 'urn:plant', signals, 1)).toBeUndefined();
  });
});
