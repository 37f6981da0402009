import { describe, expect, it } from 'vitest';
import { mqttDataset } from './dataset.factory';
import { FIELDMESH_PRODUCER } from './facets';
import { LineageGraph } from './lineage.graph';
import { lineageEmitter } from './lineage.emitter';
import type { RunEvent } from './openlineage.schema';

function recording() {
  const events: RunEvent[] = [];
  const emitter = lineageEmitter({ httpUrl: 'http://127.0.0.1:9' });
  emitter.emit = async (event) => void events.push(event);
  return { emitter, events };
}

describe('a lineage run', () => {
  it('reports datasets a streaming job comes to read in its RUNNING events, and keeps them until it completes', async () => {
    const { emitter, events } = recording();
    const run = emitter.run({ name: 'edge-gateway.gw-1', inputs: [], outputs: [] });
    await run.start();
    const topic = mqttDataset('mqtt://127.0.0.1:1883', 'acme/berlin/press-1/temperature');
    const counters = { _producer: FIELDMESH_PRODUCER, _schemaURL: 'https://example.com/Counters.json', listed: 1 };
    await run.running({ inputs: [topic], runFacets: { fieldmesh_counters: counters } });
    await run.complete();
    expect(events.map((e) => [e.eventType, e.inputs?.map((d) => d.name)])).toEqual([
      ['START', []],
      ['RUNNING', ['acme/berlin/press-1/temperature']],
      ['COMPLETE', ['acme/berlin/press-1/temperature']],
    ]);
    expect(events[0]!.run.facets).toBeUndefined();
    expect(events[2]!.run.facets).toEqual({ fieldmesh_counters: counters });
    const graph = LineageGraph.fromEvents(events);
    expect(graph.skipped).toBe(0);
    expect(graph.jobs[0]!.inputs.map((d) => d.name)).toEqual(['acme/berlin/press-1/temperature']);
  });

  it('changes the job without an event when updated, so COMPLETE can carry the final datasets', async () => {
    const { emitter, events } = recording();
    const run = emitter.run({ name: 'edge-gateway.gw-1', inputs: [], outputs: [] });
    run.update({ inputs: [mqttDataset('mqtt://127.0.0.1:1883', 'a/b')] });
    expect(events).toEqual([]);
    await run.complete();
    expect(events[0]!.inputs?.map((d) => d.name)).toEqual(['a/b']);
  });
});
