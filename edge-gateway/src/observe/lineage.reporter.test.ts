import { lineageEmitter, type RunEvent } from '@fieldmesh/lineage';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineageReporter } from './lineage.reporter';
import { ReadSourcesTracker } from './read-sources.tracker';

/** An emitter whose events land in a list (emit replaced: nothing goes to the URL), failing while `down` is set. */
function recordingRun(state: { down?: boolean } = {}) {
  const events: RunEvent[] = [];
  const emitter = lineageEmitter({ namespace: 'fieldmesh', httpUrl: 'http://127.0.0.1:9' });
  emitter.emit = async (event) => {
    if (state.down) throw new Error('broker unreachable');
    events.push(event);
  };
  const run = emitter.run({ name: 'edge-gateway.gw-1', inputs: [], outputs: [] });
  return { run, events };
}

function reporterFor(state: { down?: boolean } = {}, reportIntervalMs = 60_000) {
  const { run, events } = recordingRun(state);
  const sources = new ReadSourcesTracker(3);
  const log: string[] = [];
  const describe = () => ({ inputs: sources.snapshot().sources.map((s) => ({ namespace: 'mqtt://127.0.0.1:1883', name: s.address })) });
  const reporter = new LineageReporter(run, sources, { reportIntervalMs, settleMs: 1000, describe, log: (line) => log.push(line) });
  const inputs = (event: RunEvent | undefined) => event?.inputs?.map((d) => d.name);
  return { reporter, events, log, inputs };
}

afterEach(() => vi.useRealTimers());

describe('lineage reporter', () => {
  it('reports new sources in one RUNNING event a second after the first, then at most once per interval', async () => {
    vi.useFakeTimers();
    const { reporter, events, inputs } = reporterFor();
    reporter.start();
    await vi.advanceTimersByTimeAsync(0);
    reporter.observe('json', ['a/1']);
    reporter.observe('json', ['a/2']);
    await vi.advanceTimersByTimeAsync(999);
    expect(events.map((e) => e.eventType)).toEqual(['START']);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.map((e) => e.eventType)).toEqual(['START', 'RUNNING']);
    expect(inputs(events[1])).toEqual(['a/1', 'a/2']);

    reporter.observe('json', ['a/3']);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(events).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(inputs(events[2])).toEqual(['a/1', 'a/2', 'a/3']);

    reporter.observe('json', ['a/1', 'a/2']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(events).toHaveLength(3); // nothing new, nothing sent
    await reporter.close();
    expect(events.map((e) => e.eventType)).toEqual(['START', 'RUNNING', 'RUNNING', 'COMPLETE']);
    expect(events.every((e) => e.run.runId === events[0]!.run.runId)).toBe(true);
  });

  it("reports a connector's first sources a second after they appear, without waiting for the interval", async () => {
    vi.useFakeTimers();
    const { reporter, events, inputs } = reporterFor();
    reporter.start();
    reporter.observe('json', ['a/1']);
    await vi.advanceTimersByTimeAsync(1_000);
    reporter.observe('json', ['a/2']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toHaveLength(2); // a/2 waits for the interval
    // The OPC UA server came up later: its nodes are news a user expects to see soon, and take a/2 with them.
    reporter.observe('opcua', ['ns=1;s=pump-1.temperature']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(inputs(events[2])).toEqual(['a/1', 'a/2', 'ns=1;s=pump-1.temperature']);
    await reporter.close();
  });

  it('sends the sources of an undelivered event with the next one, and logs the failure once', async () => {
    vi.useFakeTimers();
    const state = { down: true };
    const { reporter, events, log, inputs } = reporterFor(state, 10_000);
    reporter.start();
    reporter.observe('json', ['a/1']);
    await vi.advanceTimersByTimeAsync(1_000);
    reporter.observe('json', ['a/2']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events).toEqual([]);
    expect(log.filter((line) => line.includes('not delivered'))).toHaveLength(1);
    state.down = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.map((e) => e.eventType)).toEqual(['RUNNING']);
    expect(inputs(events[0])).toEqual(['a/1', 'a/2']);
    await reporter.close();
  });

  it('warns once, naming the setting, when the cap is reached, and completes with every listed source', async () => {
    const { reporter, events, log, inputs } = reporterFor();
    reporter.start();
    reporter.observe('json', ['a/1', 'a/2', 'a/3', 'a/4']);
    reporter.observe('json', ['a/5']);
    expect(log.filter((line) => line.includes('raise lineage.maxSources'))).toHaveLength(1);
    await reporter.close();
    await reporter.close();
    expect(events.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(inputs(events[1])).toEqual(['a/1', 'a/2', 'a/3']);
  });
});
