import type { SourceReading } from '@fieldmesh/connect';
import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../buffer/envelope';
import { CONNECTOR_HEADER, READING_ID_HEADER, READING_IDS_SEPARATOR, readingId } from './reading.identity';
import { RedeliveryFilter } from './redelivery.filter';

const reading = (readingTime: number, signal = 'flow'): SourceReading => ({
  readingTime,
  deviceId: 'plc-1',
  assetPath: 'acme/berlin/press-shop/line-1/pump-1',
  signal,
  value: 1,
  quality: 'GOOD',
  sourceProtocol: 'SPARKPLUG_B',
  sourceAddress: 'spBv1.0/berlin/DDATA/press-shop.line-1/pump-1',
  isHistorical: false,
  attributes: {},
});
const remembered = (filter: RedeliveryFilter, connector: string, readings: SourceReading[]) => {
  const { fresh } = filter.screen(connector, readings);
  filter.remember(
    connector,
    fresh.map(({ id }) => id),
  );
};

describe('RedeliveryFilter', () => {
  it('keeps the ids of the last readings per connector only, forgetting the oldest first', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 3 });
    remembered(
      filter,
      'plant',
      [1, 2, 3, 4].map((t) => reading(t)),
    );
    const { fresh, redelivered } = filter.screen(
      'plant',
      [1, 2, 3, 4].map((t) => reading(t)),
    );
    expect({ fresh: fresh.map(({ reading: r }) => r.readingTime), redelivered }).toEqual({ fresh: [1], redelivered: 3 });
  });

  it('tells readings of the same metric apart by their timestamp, and the same reading by its content, not its object', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 10 });
    remembered(filter, 'plant', [reading(1)]);
    expect(filter.screen('plant', [{ ...reading(1), value: 1 }, reading(2), reading(1, 'power')]).redelivered).toBe(1);
  });

  it('tells readings of the same metric and timestamp apart by their value and quality', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 10 });
    remembered(filter, 'plant', [reading(1)]);
    const corrected = [
      { ...reading(1), value: 2 },
      { ...reading(1), value: '1' },
      { ...reading(1), value: true },
      { ...reading(1), quality: 'BAD' as const },
    ];
    expect(filter.screen('plant', corrected)).toMatchObject({ redelivered: 0 });
  });

  it('takes a Sparkplug birth restating a value and the DDATA carrying it (resent after the edge node reconnected) for one reading', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 10 });
    remembered(filter, 'plant', [{ ...reading(1), sourceAddress: 'spBv1.0/berlin/DBIRTH/press-shop.line-1/pump-1' }]);
    const otherDevice = { ...reading(1), sourceAddress: 'spBv1.0/berlin/DDATA/press-shop.line-1/pump-2' };
    expect(filter.screen('plant', [reading(1), otherDevice]).redelivered).toBe(1);
  });

  it('is seeded from buffered records by the connector and reading id they carry, skipping records without them', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 10 });
    const record = (headers: Record<string, string>, seq: number) => ({ seq, sequences: 1, payload: encodeEnvelope({ topic: 't', key: null, value: Buffer.alloc(0), headers }) });
    filter.seed([record({ [CONNECTOR_HEADER]: 'plant', [READING_ID_HEADER]: readingId(reading(1)) }, 1), record({ [CONNECTOR_HEADER]: 'plant' }, 2)]);
    expect(filter.screen('plant', [reading(1), reading(2)]).redelivered).toBe(1);
    expect(filter.screen('other', [reading(1)]).redelivered).toBe(0);
  });

  it('is seeded with every reading of a buffered batch record', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 10 });
    const ids = [reading(1), reading(2)].map(readingId).join(READING_IDS_SEPARATOR);
    const headers = { [CONNECTOR_HEADER]: 'plant', [READING_ID_HEADER]: ids };
    filter.seed([{ seq: 2, sequences: 2, payload: encodeEnvelope({ topic: 't', key: null, value: Buffer.alloc(0), headers }) }]);
    expect(filter.screen('plant', [reading(1), reading(2), reading(3)]).fresh.map(({ reading: r }) => r.readingTime)).toEqual([3]);
  });

  it('remembers an id added again until its newest copy is among the forgotten', () => {
    const filter = new RedeliveryFilter({ recentReadingsPerConnector: 2 });
    const [a, b, c] = [1, 2, 3].map((t) => readingId(reading(t)));
    filter.remember('plant', [a!, b!, a!, c!]);
    expect(filter.screen('plant', [reading(1), reading(2), reading(3)]).fresh.map(({ reading: r }) => r.readingTime)).toEqual([2]);
  });
});
