// The part of a session's stream that the socket has not taken yet. A plain array with a moving head
// (no shift(), which is O(n) per call on large arrays) and a byte count that bounds its memory.

export class Outbox {
  #chunks: (Buffer | string)[] = []
  #sizes: number[] = []
  #head = 0
  #bytes = 0

  get bytes(): number {
    return this.#bytes
  }

  get isEmpty(): boolean {
    return this.#head === this.#chunks.length
  }

  push(chunk: Buffer | string, size: number): void {
    this.#chunks.push(chunk)
    this.#sizes.push(size)
    this.#bytes += size
  }

  /** The oldest chunk, removed; undefined when empty. */
  shift(): Buffer | string | undefined {
    if (this.isEmpty) return undefined
    const chunk = this.#chunks[this.#head]!
    this.#bytes -= this.#sizes[this.#head]!
    this.#chunks[this.#head] = ''
    this.#head++
    // compact once the consumed prefix dominates, so the arrays stay proportional to what is queued
    if (this.#head === this.#chunks.length) this.clear()
    else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head)
      this.#sizes = this.#sizes.slice(this.#head)
      this.#head = 0
    }
    return chunk
  }

  clear(): void {
    this.#chunks = []
    this.#sizes = []
    this.#head = 0
    this.#bytes = 0
  }
}

/** Bytes a chunk will occupy once encoded (UTF-8 for strings). */
export function chunkSize(chunk: Buffer | string): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
}
