// A channel's recent events for Last-Event-ID replay: a fixed ring of the last `capacity` events and
// a map from id to sequence number, so finding where a reconnecting client left off is O(1).
import type { EncodedEvent } from '../encoder.ts'

export class HistoryRing {
  readonly #slots: (EncodedEvent | undefined)[]
  readonly #seqOf = new Map<string, number>() // id → sequence number, only for events still in the ring
  #next = 0 // sequence number of the next event; event n lives in slot n % capacity

  constructor(capacity: number) {
    this.#slots = new Array(capacity).fill(undefined)
  }

  push(event: EncodedEvent): void {
    const capacity = this.#slots.length
    if (capacity === 0) return
    const slot = this.#next % capacity
    const evicted = this.#slots[slot]
    // an id seen twice maps to its latest sequence number; only drop the mapping that points here
    if (evicted?.id !== undefined && this.#seqOf.get(evicted.id) === this.#next - capacity)
      this.#seqOf.delete(evicted.id)
    this.#slots[slot] = event
    if (event.id !== undefined) this.#seqOf.set(event.id, this.#next)
    this.#next++
  }

  /** The events after the one with `id`, oldest first; undefined when `id` is not in the ring. */
  after(id: string): EncodedEvent[] | undefined {
    const seq = this.#seqOf.get(id)
    if (seq === undefined) return undefined
    const out: EncodedEvent[] = []
    const capacity = this.#slots.length
    for (let n = seq + 1; n < this.#next; n++) out.push(this.#slots[n % capacity]!)
    return out
  }

  /** The id of the newest event that has one. */
  get latestId(): string | undefined {
    const capacity = this.#slots.length
    for (let n = this.#next - 1; n >= 0 && n >= this.#next - capacity; n--) {
      const id = this.#slots[n % capacity]!.id
      if (id !== undefined) return id
    }
    return undefined
  }
}
