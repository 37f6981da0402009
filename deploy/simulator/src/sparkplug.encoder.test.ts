import { describe, expect, it } from 'vitest';
import { buildPlant } from './plant.model';
import { PlantSimulation } from './plant.simulation';
import { decodePayload, encodePayload, isRebirthRequest, REBIRTH_METRIC, SparkplugEdgeNode } from './sparkplug.encoder';

const plant = buildPlant();
const line = plant.lines[0];
if (!line) throw new Error('the default plant has lines');
const readings = new PlantSimulation(plant, { seed: 1, startTimeMs: 0 }).step(1000).filter((r) => r.asset.line === 'line-1');
const num = (value: unknown) => Number(String(value));

describe('Sparkplug B encoding', () => {
  it('names topics group=site, edge node=<area>.<line>, device=asset', () => {
    const node = new SparkplugEdgeNode(line);
    expect(node.topic('NBIRTH')).toBe('spBv1.0/berlin/NBIRTH/press-shop.line-1');
    expect(node.topic('DDATA', 'pump-1')).toBe('spBv1.0/berlin/DDATA/press-shop.line-1/pump-1');
  });

  it('gives every metric of the edge node a unique alias and DDATA refers to metrics by alias only', () => {
    const node = new SparkplugEdgeNode(line);
    node.nbirth(0);
    const births = node.deviceIds().map((id) => decodePayload(node.dbirth(id, 0, new Map()).payload));
    const aliases = births.flatMap((birth) => (birth.metrics ?? []).map((metric) => num(metric.alias)));
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(aliases.length).toBe(28);
    const data = decodePayload(
      node.ddata(
        'pump-1',
        readings.filter((r) => r.asset.id === 'pump-1'),
        1000,
      ).payload,
    );
    expect((data.metrics ?? []).every((metric) => metric.name === undefined && aliases.includes(num(metric.alias)))).toBe(true);
  });

  it('counts seq from 0 at NBIRTH to 255 and wraps to 0, per edge node', () => {
    const node = new SparkplugEdgeNode(line);
    const other = new SparkplugEdgeNode(plant.lines[1] ?? line);
    const seqs = [num(decodePayload(node.nbirth(0).payload).seq)];
    other.nbirth(0);
    for (let i = 0; i < 300; i++) seqs.push(num(decodePayload(node.ddata('motor-1', [], i).payload).seq));
    expect(seqs.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seqs[255]).toBe(255);
    expect(seqs[256]).toBe(0);
    expect(num(decodePayload(other.ddata('motor-1', [], 0).payload).seq)).toBe(1);
    expect(num(decodePayload(node.nbirth(0).payload).seq)).toBe(0);
  });

  it('NDEATH carries the bdSeq of the NBIRTH it belongs to', () => {
    const node = new SparkplugEdgeNode(line);
    node.bdSeq = 7;
    const bdSeq = (payload: Uint8Array) => num(decodePayload(payload).metrics?.find((metric) => metric.name === 'bdSeq')?.value);
    expect(bdSeq(node.nbirth(0).payload)).toBe(7);
    expect(bdSeq(node.ndeath(0).payload)).toBe(7);
    expect(decodePayload(node.ndeath(0).payload).seq).toBeUndefined();
  });

  it('marks historical readings is_historical and non-good quality with an OPC DA Quality property', () => {
    const node = new SparkplugEdgeNode(line);
    const [first, second] = readings.filter((r) => r.asset.id === 'motor-1');
    if (!first || !second) throw new Error('motor-1 has readings');
    const metrics =
      decodePayload(
        node.ddata(
          'motor-1',
          [
            { ...first, historical: true },
            { ...second, value: null, quality: 'BAD', status: 'BadSensorFailure' },
          ],
          0,
        ).payload,
      ).metrics ?? [];
    expect(metrics[0]?.isHistorical).toBe(true);
    expect(metrics[1]).toEqual(expect.objectContaining({ value: null, properties: { Quality: { type: 'Int32', value: 0 } } }));
  });

  it('recognises a rebirth request', () => {
    expect(isRebirthRequest(encodePayload({ metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] }))).toBe(true);
    expect(isRebirthRequest(encodePayload({ metrics: [{ name: 'Node Control/Reboot', type: 'Boolean', value: true }] }))).toBe(false);
  });
});
