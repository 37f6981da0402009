import { describe, expect, it } from 'vitest';
import { ArrivalCounter } from './arrival.counter';

describe('ArrivalCounter', () => {
  it('counts what arrived within the window and forgets what left it', () => {
    const counter = new ArrivalCounter(60_000);
    counter.add(1_000, 10);
    counter.add(30_000, 5);
    counter.add(59_000);
    expect(counter.count(59_000)).toBe(16);
    expect(counter.count(61_500)).toBe(6);
    expect(counter.count(90_500)).toBe(1);
    expect(counter.count(200_000)).toBe(0);
  });

  it('keeps counting when the clock steps back', () => {
    const counter = new ArrivalCounter(10_000);
    counter.add(5_000);
    counter.add(4_000);
    expect(counter.count(5_000)).toBe(2);
  });
});
