import { NotConnected, type Source, type SourceReading } from '@fieldmesh/connect';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_LIMIT_MS, readUntil, readUntilThrows, type ReadSoFar, type Settle } from './batch.reader';
import { CONFORMANCE_VALUES_PER_TEST, type ConformanceRig, type SourceConformanceHarness } from './source-conformance.harness';

const QUALITIES: readonly unknown[] = ['GOOD', 'UNCERTAIN', 'BAD'];

/** One test's rig, the sources it created and the values its device published. */
class Scenario {
  private readonly sources: Source[] = [];
  private readonly published: number[] = [];

  constructor(private readonly rig: ConformanceRig) {}

  /** A new source instance, as the runtime creates one for every (re)connect. */
  source(): Source {
    const source = this.rig.createSource();
    this.sources.push(source);
    return source;
  }

  /** The device publishes `count` readings with values no other reading in the test has. */
  async publish(count: number): Promise<number[]> {
    const values = Array.from({ length: count }, (_, i) => 1_001 + this.published.length + i);
    if (this.published.length + count > CONFORMANCE_VALUES_PER_TEST) throw new Error(`a conformance test publishes at most ${CONFORMANCE_VALUES_PER_TEST} values`);
    this.published.push(...values);
    await this.rig.publish(values);
    return values;
  }

  get link(): ConformanceRig['link'] {
    return this.rig.link;
  }

  publishMalformed(): Promise<void> {
    return this.rig.publishMalformed();
  }

  /** The values of the readings this test published, in the order read (birth and initial values left out). */
  ours(readings: readonly SourceReading[]): number[] {
    return readings.flatMap((reading) => (typeof reading.value === 'number' && this.published.includes(reading.value) ? [reading.value] : []));
  }

  /** Reads until every value in `values` was delivered. */
  readValues(source: Source, values: readonly number[], settle: Settle, also: (read: ReadSoFar) => boolean = () => true): Promise<ReadSoFar> {
    return readUntil(
      source,
      (read) => values.every((value) => this.ours(read.readings).includes(value)) && also(read),
      settle,
      (read) => `values ${JSON.stringify(this.ours(read.readings))} of ${JSON.stringify(values)} wanted, ${read.rejects.length} rejects, ${read.readings.length} readings in all`,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.sources.map((source) => source.close()));
    await this.rig.close();
  }
}

/** What an attempt ended with, taken at once so that its rejection never counts as unhandled. */
function outcome(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => new Error('it succeeded'),
    (thrown: unknown) => thrown,
  );
}

async function expectNotConnected(attempt: Promise<unknown>): Promise<void> {
  const error = await outcome(attempt);
  expect(error, `expected NotConnected, got ${String(error)}`).toBeInstanceOf(NotConnected);
}

/**
 * The lifecycle every source connector keeps (platform/connect's Source), run against the connector's
 * real peer: open and close, batches, at-least-once delivery through nacks, lost links and restarts,
 * acknowledgement to the peer only after the gateway made a batch durable, NotConnected while the link
 * is down, and rejects for what cannot be read. After Benthos' shared input integration suite.
 */
export function describeSourceConformance(name: string, harness: SourceConformanceHarness): void {
  describe(`${name} source conformance`, () => {
    const scenarios: Scenario[] = [];
    afterEach(async () => {
      await Promise.all(scenarios.splice(0).map((scenario) => scenario.close()));
    });
    const scenario = async () => {
      const created = new Scenario(await harness.rig());
      scenarios.push(created);
      return created;
    };

    it('closes idempotently and without a connect first; a read in progress at close ends, and later reads fail with NotConnected', async () => {
      const test = await scenario();
      const neverConnected = test.source();
      await neverConnected.close();
      await neverConnected.close();

      const source = test.source();
      await source.connect();
      // It may still deliver what arrived before close (OPC UA's initial values), or fail; it must not hang.
      const inProgress = source.read(AbortSignal.timeout(READ_LIMIT_MS)).then(
        () => 'delivered',
        (thrown: unknown) => thrown,
      );
      await source.close();
      const ended = await inProgress;
      expect(ended === 'delivered' || ended instanceof NotConnected, `the read ended with ${String(ended)}`).toBe(true);
      await source.close();
      await expectNotConnected(source.read(AbortSignal.timeout(READ_LIMIT_MS)));
    });

    it('delivers what the device publishes in non-empty batches of complete readings', async () => {
      const test = await scenario();
      const source = test.source();
      await source.connect();
      const values = await test.publish(3);
      const read = await test.readValues(source, values, 'ack');

      expect(test.ours(read.readings).sort()).toEqual(values);
      for (const batch of read.batches) expect(batch.readings.length + batch.rejects.length).toBeGreaterThan(0);
      for (const reading of read.readings.filter((r) => test.ours([r]).length > 0)) {
        expect(Number.isFinite(reading.readingTime), 'readingTime is epoch ms').toBe(true);
        for (const field of ['deviceId', 'assetPath', 'signal', 'sourceAddress'] as const) expect(reading[field], field).toMatch(/\S/);
        expect(QUALITIES).toContain(reading.quality);
        expect(reading.attributes).toBeTypeOf('object');
      }
    });

    it('delivers a nacked batch again once the runtime has connected a fresh source', async () => {
      const test = await scenario();
      const first = test.source();
      await first.connect();
      const values = await test.publish(3);
      const held = await test.readValues(first, values, 'hold');
      for (const batch of held.batches) await batch.nack(new Error('the disk buffer is full'));
      await first.close(); // the runtime closes a source after a failed batch and creates a new one

      const second = test.source();
      await second.connect();
      await test.readValues(second, values, 'ack');
    });

    it('delivers again what was read but not acked when the link was lost, and what was published while it was down', async () => {
      const test = await scenario();
      const first = test.source();
      await first.connect();
      const before = await test.publish(3);
      const held = await test.readValues(first, before, 'hold');

      await test.link.cut();
      const lost = await readUntilThrows(first);
      expect(lost.error).toBeInstanceOf(NotConnected);
      // The gateway made them durable just as the link dropped: the acknowledgement cannot reach the peer.
      for (const batch of [...held.batches, ...lost.batches]) await batch.ack();
      const during = await test.publish(2);
      await first.close();
      await test.link.restore();

      const second = test.source();
      await second.connect();
      await test.readValues(second, [...before, ...during], 'ack');
    });

    it('throws NotConnected from read() once the link is lost and from connect() while it is down, and reads again when it is back', async () => {
      const test = await scenario();
      const first = test.source();
      await first.connect();
      await test.link.cut();
      expect((await readUntilThrows(first)).error).toBeInstanceOf(NotConnected);
      await first.close();

      const whileDown = test.source();
      await expectNotConnected(whileDown.connect());
      await whileDown.close();

      await test.link.restore();
      const afterwards = test.source();
      await afterwards.connect();
      await test.readValues(afterwards, await test.publish(1), 'ack');
    });

    it('does not lose a batch that was read but not acked when the source closed', async () => {
      const test = await scenario();
      const first = test.source();
      await first.connect();
      const values = await test.publish(3);
      await test.readValues(first, values, 'hold');
      await first.close(); // e.g. the gateway stops before the batch reached Kafka or its disk buffer

      const second = test.source();
      await second.connect();
      await test.readValues(second, values, 'ack');
    });

    if (harness.acknowledgesUpstream) {
      it('acknowledges to its peer in ack(), so an acked batch is not delivered again', async () => {
        const test = await scenario();
        const first = test.source();
        await first.connect();
        const acked = await test.publish(3);
        await test.readValues(first, acked, 'ack');
        await first.close();

        const second = test.source();
        await second.connect();
        // The peer redelivers what it still holds first; a marker published now comes after any of it.
        const [marker] = await test.publish(1);
        const read = await test.readValues(second, [marker!], 'ack');
        expect(test.ours(read.readings)).toEqual([marker]);
      });
    }

    it('turns a message it cannot read into a reject for the dead-letter topic and goes on with the next', async () => {
      const test = await scenario();
      const source = test.source();
      await source.connect();
      await test.publishMalformed();
      const values = await test.publish(1);
      const read = await test.readValues(source, values, 'ack', (r) => r.rejects.length > 0);

      const [reject] = read.rejects;
      expect(reject!.errorClass).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(reject!.reason).toMatch(/\S/);
      expect(reject!.sourceAddress).toMatch(/\S/);
      expect(Buffer.isBuffer(reject!.payload)).toBe(true);
      expect(Number.isFinite(reject!.receivedTime)).toBe(true);
    });
  });
}
