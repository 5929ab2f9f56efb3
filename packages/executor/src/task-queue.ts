// The executor's waiting line: FIFO within a priority, higher priorities first. Removal (an aborted task) is
// O(1): the entry is only marked, and skipped when it reaches the head.

export interface Queued {
  /** True while the entry waits in a queue; cleared by `remove()` and `shift()`. */
  queued: boolean
  readonly priority: number
}

class Bucket<E> {
  readonly priority: number
  items: E[] = []
  head = 0
  constructor(priority: number) {
    this.priority = priority
  }
}

// compact a bucket's array once this many consumed slots sit before its head
const COMPACT_AFTER = 1024

export class TaskQueue<E extends Queued> {
  // sorted by descending priority; most executors use one or two priorities
  #buckets: Bucket<E>[] = []
  #size = 0

  /** Live entries (removed ones not counted). */
  get size(): number {
    return this.#size
  }

  push(entry: E): void {
    entry.queued = true
    this.#bucket(entry.priority).items.push(entry)
    this.#size++
  }

  /** Puts entries back at the front of their priority, in the given order (tasks of a lost worker). */
  unshift(entries: readonly E[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!
      const bucket = this.#bucket(entry.priority)
      entry.queued = true
      if (bucket.head > 0) bucket.items[--bucket.head] = entry
      else bucket.items.unshift(entry)
      this.#size++
    }
  }

  /** The entry `shift()` would return, left in place. */
  peek(): E | undefined {
    for (const bucket of this.#buckets) {
      const { items } = bucket
      while (bucket.head < items.length && !items[bucket.head]!.queued) bucket.head++
      if (bucket.head < items.length) return items[bucket.head]
    }
    return undefined
  }

  shift(): E | undefined {
    const entry = this.peek()
    if (entry === undefined) return undefined
    for (const bucket of this.#buckets) {
      if (bucket.items[bucket.head] !== entry) continue
      bucket.items[bucket.head++] = undefined as unknown as E
      if (bucket.head === bucket.items.length) {
        bucket.items.length = 0
        bucket.head = 0
      } else if (bucket.head >= COMPACT_AFTER && bucket.head * 2 >= bucket.items.length) {
        bucket.items = bucket.items.slice(bucket.head)
        bucket.head = 0
      }
      break
    }
    entry.queued = false
    this.#size--
    return entry
  }

  remove(entry: E): void {
    if (!entry.queued) return
    entry.queued = false
    this.#size--
  }

  /** Takes every live entry out, in the order they would have run. */
  drain(): E[] {
    const out: E[] = []
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) out.push(entry)
    return out
  }

  #bucket(priority: number): Bucket<E> {
    const buckets = this.#buckets
    let i = 0
    while (i < buckets.length && buckets[i]!.priority > priority) i++
    if (i < buckets.length && buckets[i]!.priority === priority) return buckets[i]!
    const bucket = new Bucket<E>(priority)
    buckets.splice(i, 0, bucket)
    return bucket
  }
}
