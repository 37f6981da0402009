import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { toSourceReading } from './reading.mapping';

const signal = {
  nodeId: 'ns=1;s=berlin.line-1.compressor-1.bearing_temperature',
  assetPath: 'acme/berlin/press-shop/line-1/compressor-1',
  signal: 'bearing_temperature',
  unit: 'Cel',
};
const received = Date.UTC(2026, 0, 1, 12, 0, 5);

describe('toSourceReading', () => {
  it('carries value, unit, quality, the raw status code and the source timestamp', () => {
    const sourceTimestamp = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
    const reading = toSourceReading(
      signal,
      'urn:fieldmesh:simulator',
      new DataValue({ value: { dataType: DataType.Double, value: 61.5 }, statusCode: StatusCodes.UncertainLastUsableValue, sourceTimestamp, serverTimestamp: new Date(received) }),
      received,
    );
    expect(reading).toMatchObject({
      readingTime: sourceTimestamp.getTime(),
      deviceId: 'urn:fieldmesh:simulator',
      assetPath: signal.assetPath,
      signal: 'bearing_temperature',
      value: 61.5,
      unit: 'Cel',
      quality: 'UNCERTAIN',
      qualityCode: StatusCodes.UncertainLastUsableValue.value,
      sourceProtocol: 'OPC_UA',
      sourceAddress: signal.nodeId,
      isHistorical: false,
    });
  });

  it("carries the variable's EURange in its attributes, and nothing when it has none", () => {
    const value = new DataValue({ value: { dataType: DataType.Double, value: 61.5 } });
    const ranged = toSourceReading({ ...signal, euRange: { low: -20, high: 150 } }, 'd', value, received);
    expect('attributes' in ranged && ranged.attributes).toEqual({ 'opcua.status': 'Good', 'opcua.dataType': 'Double', 'opcua.euRange': '-20..150' });
    const plain = toSourceReading(signal, 'd', value, received);
    expect('attributes' in plain && plain.attributes['opcua.euRange']).toBeUndefined();
  });

  it('falls back to the server timestamp, then to the receive time', () => {
    const serverTimestamp = new Date(Date.UTC(2026, 0, 1, 12, 0, 3));
    const withServer = toSourceReading(signal, 'd', new DataValue({ value: { dataType: DataType.Double, value: 1 }, serverTimestamp }), received);
    expect('readingTime' in withServer && withServer.readingTime).toBe(serverTimestamp.getTime());
    const withNone = toSourceReading(signal, 'd', new DataValue({ value: { dataType: DataType.Double, value: 1 } }), received);
    expect('readingTime' in withNone && withNone.readingTime).toBe(received);
  });

  it('keeps a Bad reading without a value as BAD with null', () => {
    const reading = toSourceReading(signal, 'd', new DataValue({ statusCode: StatusCodes.BadSensorFailure }), received);
    expect(reading).toMatchObject({ value: null, quality: 'BAD', qualityCode: StatusCodes.BadSensorFailure.value });
  });

  it('passes text signals through', () => {
    const reading = toSourceReading(
      { nodeId: signal.nodeId, assetPath: signal.assetPath, signal: 'state' },
      'd',
      new DataValue({ value: { dataType: DataType.String, value: 'RUNNING' } }),
      received,
    );
    expect(reading).toMatchObject({ value: 'RUNNING', quality: 'GOOD' });
    expect('unit' in reading).toBe(false);
  });

  it('turns an array value into a reject naming the node', () => {
    const reject = toSourceReading(signal, 'd', new DataValue({ value: new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] }) }), received);
    expect(reject).toMatchObject({ errorClass: 'UnsupportedOpcuaValue', sourceAddress: signal.nodeId });
  });
});
