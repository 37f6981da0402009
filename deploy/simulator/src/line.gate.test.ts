import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnknownLine } from './errors';
import { LineGate } from './line.gate';
import { buildPlant, linePathOf } from './plant.model';
import type { OutputName, PlantOutput } from './plant.output';
import { PlantSimulation } from './plant.simulation';
import type { Reading } from './reading';
import { startSimulator } from './simulator';
import { SimulationSource, TickRunner, type BatchSource } from './tick.runner';

const START = Date.UTC(2026, 0, 5, 6, 0, 0);
const LINE_1 = 'acme/berlin/press-shop/line-1';
const LINE_2 = 'acme/berlin/press-shop/line-2';

/** An output that keeps what it is given, standing in for MQTT JSON, Sparkplug and OPC UA. */
class RecordingOutput implements PlantOutput {
  readonly readings: Reading[] = [];
  constructor(readonly name: OutputName) {}
  async start(): Promise<void> {}
  async publish(readings: readonly Reading[]): Promise<void> {
    this.readings.push(...readings);
  }
  published(): number {
    return this.readings.length;
  }
  async stop(): Promise<void> {}
}

const linesOf = (readings: readonly Reading[]) => [...new Set(readings.map((reading) => linePathOf(reading.asset)))].sort();

describe('LineGate', () => {
  it('silences a stopped line on every output and lets it resume at the present plant time', async () => {
    const gate = new LineGate(new SimulationSource(new PlantSimulation(buildPlant(), { seed: 3, startTimeMs: START }), 1000));
    const outputs = [new RecordingOutput('mqtt-json'), new RecordingOutput('sparkplug'), new RecordingOutput('opcua')];
    const at = (second: number) => START + second * 1000;

    // Seconds 1-3 both lines, 4-6 line 2 stopped, 7-9 resumed: switched between batches, as a caller between ticks.
    let second = 0;
    const script: BatchSource = {
      next() {
        second += 1;
        if (second === 4) gate.stop(LINE_2);
        if (second === 7) gate.resume(LINE_2);
        return second <= 9 ? gate.next() : undefined;
      },
    };
    const runner = new TickRunner(script, outputs, { speed: 1_000_000, originMs: START });
    await runner.done;

    for (const output of outputs) {
      const line2 = output.readings.filter((reading) => linePathOf(reading.asset) === LINE_2).map((reading) => reading.timestampMs);
      const line1 = output.readings.filter((reading) => linePathOf(reading.asset) === LINE_1).map((reading) => reading.timestampMs);
      expect([...new Set(line1)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(at));
      expect([...new Set(line2)]).toEqual([1, 2, 3, 7, 8, 9].map(at));
    }
  });

  it('passes every line while none is stopped', () => {
    const gate = new LineGate(new SimulationSource(new PlantSimulation(buildPlant(), { seed: 3, startTimeMs: START }), 1000));
    expect(linesOf(gate.next()!.readings)).toEqual([LINE_1, LINE_2]);
    gate.stop(LINE_1);
    expect(gate.stoppedLines()).toEqual([LINE_1]);
    expect(linesOf(gate.next()!.readings)).toEqual([LINE_2]);
  });
});

describe('simulator stopLine and resumeLine', () => {
  it('names lines by full path or a unique tail, and refuses one that is not a single line', async () => {
    const simulator = await startSimulator({ plant: { sites: ['berlin', 'hamburg'] }, speed: 1, stateDir: mkdtempSync(join(tmpdir(), 'fieldmesh-sim-')) });
    try {
      expect(simulator.stopLine('berlin/press-shop/line-2')).toBe(LINE_2);
      expect(simulator.stopLine('acme/hamburg/press-shop/line-1')).toBe('acme/hamburg/press-shop/line-1');
      expect(simulator.stoppedLines()).toEqual([LINE_2, 'acme/hamburg/press-shop/line-1']);
      expect(() => simulator.stopLine('line-1')).toThrow(UnknownLine);
      expect(() => simulator.stopLine('berlin/press-shop/line-9')).toThrow(/no single line berlin\/press-shop\/line-9\. Use one of: acme\/berlin\/press-shop\/line-1/);
      expect(simulator.resumeLine('berlin/press-shop/line-2')).toBe(LINE_2);
      expect(simulator.stoppedLines()).toEqual(['acme/hamburg/press-shop/line-1']);
    } finally {
      await simulator.stop();
    }
  });
});
