import { describe, expect, it } from 'vitest';
import { PubackSequencer } from './puback.sequencer';

describe('PUBACK order', () => {
  it('releases PUBACKs in arrival order even when a later batch is acknowledged first', () => {
    const sequencer = new PubackSequencer();
    const first = [sequencer.received(1), sequencer.received(2)];
    const second = [sequencer.received(3)];
    expect(sequencer.acknowledge(second)).toEqual([]);
    expect(sequencer.acknowledge(first)).toEqual([1, 2, 3]);
    expect(sequencer.size).toBe(0);
  });

  it('holds back everything after a message that is not acknowledged yet', () => {
    const sequencer = new PubackSequencer();
    const a = sequencer.received(7);
    sequencer.received(8);
    const c = sequencer.received(9);
    expect(sequencer.acknowledge([a, c])).toEqual([7]);
    expect(sequencer.size).toBe(2);
  });
});
