/** Turns growing counters into per-second rates between two looks. */
export class RateMeter {
  private last = new Map<string, { value: number; at: number }>();

  rate(name: string, value: number, now = Date.now()): number {
    const before = this.last.get(name);
    this.last.set(name, { value, at: now });
    if (!before || now <= before.at) return 0;
    return ((value - before.value) * 1000) / (now - before.at);
  }
}
