/**
 * The last `capacity` bytes of a terminal's output, for a watcher who joins late. A fixed ring:
 * output is never kept whole, and memory per terminal is bounded whatever the shell prints.
 */
export class ScrollBack {
  private readonly ring: Buffer;
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('scroll-back capacity must be a positive integer');
    this.ring = Buffer.alloc(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      chunk.copy(this.ring, 0, chunk.length - this.capacity);
      this.start = 0;
      this.length = this.capacity;
      return;
    }
    const end = (this.start + this.length) % this.capacity;
    const first = Math.min(chunk.length, this.capacity - end);
    chunk.copy(this.ring, end, 0, first);
    if (first < chunk.length) chunk.copy(this.ring, 0, first);
    const overflow = this.length + chunk.length - this.capacity;
    if (overflow > 0) {
      this.start = (this.start + overflow) % this.capacity;
      this.length = this.capacity;
    } else {
      this.length += chunk.length;
    }
  }

  /** A copy of what is kept, oldest byte first. */
  snapshot(): Buffer {
    if (this.start + this.length <= this.capacity) return Buffer.from(this.ring.subarray(this.start, this.start + this.length));
    return Buffer.concat([this.ring.subarray(this.start), this.ring.subarray(0, (this.start + this.length) % this.capacity)]);
  }
}
