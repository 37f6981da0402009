/** Sequence numbers per bitset chunk: 512 bytes per chunk, so a dense hour at 40k readings/s is ~18 MB. */
const CHUNK_SEQUENCES = 4096;

interface Chunk {
  bits: Uint32Array;
  /** Newest event time of a sequence in this chunk: the chunk is forgotten once that is beyond the horizon. */
  newestTime: number;
}

interface GatewayMemory {
  /** Chunks by index (sequence / CHUNK_SEQUENCES), in creation order, which follows time closely. */
  chunks: Map<number, Chunk>;
  /** Sequences below this were forgotten: a repeat of one can no longer be recognised. */
  forgottenBelow: number;
}

export type DedupeVerdict = 'new' | 'duplicate' | 'beyond-horizon';

export interface DedupeMemoryOptions {
  /** How far back in event time a repeat is still recognised (the contract's deduplication horizon). */
  horizonMs: number;
  /** Upper bound on chunks across gateways (memory ≈ 512 B each); the oldest go first when reached. */
  maxChunks?: number | undefined;
}

/**
 * Which (gatewayId, sequenceNumber) pairs were already seen, within a horizon of event time. Gateway
 * sequences are dense and increasing, so each gateway's memory is a run of bitset chunks: memory grows
 * with the horizon, not with the number of readings kept, and forgetting is dropping whole chunks.
 *
 * A sequence below what was forgotten is reported `beyond-horizon` (and passed on by the caller): the
 * pipeline would rather emit a rare duplicate than drop a reading it cannot prove was seen.
 */
export class DedupeMemory {
  private readonly gateways = new Map<string, GatewayMemory>();
  private readonly horizonMs: number;
  private readonly maxChunks: number;
  private newestTime = Number.NEGATIVE_INFINITY;
  private chunkCount = 0;

  constructor(options: DedupeMemoryOptions) {
    this.horizonMs = options.horizonMs;
    this.maxChunks = options.maxChunks ?? 65_536;
  }

  /** Whether the pair was seen before; a new pair is remembered. */
  check(gatewayId: string, sequenceNumber: number, eventTime: number): DedupeVerdict {
    let memory = this.gateways.get(gatewayId);
    if (!memory) {
      memory = { chunks: new Map(), forgottenBelow: 0 };
      this.gateways.set(gatewayId, memory);
    }
    if (sequenceNumber < memory.forgottenBelow) return 'beyond-horizon';
    const index = Math.floor(sequenceNumber / CHUNK_SEQUENCES);
    let chunk = memory.chunks.get(index);
    if (!chunk) {
      chunk = { bits: new Uint32Array(CHUNK_SEQUENCES / 32), newestTime: eventTime };
      memory.chunks.set(index, chunk);
      this.chunkCount += 1;
      // Forgetting runs per new chunk, so its cost is shared by thousands of readings.
      this.evictExpired();
    }
    const offset = sequenceNumber - index * CHUNK_SEQUENCES;
    const word = offset >>> 5;
    const bit = 1 << (offset & 31);
    if (((chunk.bits[word] ?? 0) & bit) !== 0) return 'duplicate';
    chunk.bits[word] = (chunk.bits[word] ?? 0) | bit;
    if (eventTime > chunk.newestTime) chunk.newestTime = eventTime;
    if (eventTime > this.newestTime) this.newestTime = eventTime;
    return 'new';
  }

  /** Un-sees a pair, so that its next check is `new` again. */
  forget(gatewayId: string, sequenceNumber: number): void {
    const memory = this.gateways.get(gatewayId);
    const index = Math.floor(sequenceNumber / CHUNK_SEQUENCES);
    const chunk = memory?.chunks.get(index);
    if (!chunk) return;
    const offset = sequenceNumber - index * CHUNK_SEQUENCES;
    const word = offset >>> 5;
    chunk.bits[word] = (chunk.bits[word] ?? 0) & ~(1 << (offset & 31));
  }

  /** Chunks held now, for stats and tests. */
  size(): { gateways: number; chunks: number } {
    return { gateways: this.gateways.size, chunks: this.chunkCount };
  }

  private evictExpired(): void {
    const cutoff = this.newestTime - this.horizonMs;
    for (const memory of this.gateways.values()) {
      for (const [index, chunk] of memory.chunks) {
        // Creation order follows time; the first chunk still inside the horizon ends the sweep.
        if (chunk.newestTime >= cutoff && this.chunkCount <= this.maxChunks) break;
        this.drop(memory, index);
      }
    }
    while (this.chunkCount > this.maxChunks) this.dropOldest();
  }

  private drop(memory: GatewayMemory, index: number): void {
    memory.chunks.delete(index);
    this.chunkCount -= 1;
    memory.forgottenBelow = Math.max(memory.forgottenBelow, (index + 1) * CHUNK_SEQUENCES);
  }

  private dropOldest(): void {
    let oldest: { memory: GatewayMemory; index: number; time: number } | undefined;
    for (const memory of this.gateways.values()) {
      const first = memory.chunks.entries().next();
      if (first.done) continue;
      const [index, chunk] = first.value;
      if (!oldest || chunk.newestTime < oldest.time) oldest = { memory, index, time: chunk.newestTime };
    }
    if (oldest) this.drop(oldest.memory, oldest.index);
  }
}
