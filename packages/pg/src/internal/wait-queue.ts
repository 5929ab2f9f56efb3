// Callers waiting for a connection: queries that need pipeline room and reservations that need an idle
// connection, in arrival order. Bounded (`maxWaiting`), each with the pool's acquire timeout on the shared
// timer wheel, and leaving early when its query's AbortSignal fires.
import { defaultReactor, type WheelTimer } from '@fasterapi/futures'
import type { Connection } from '../connection.ts'
import { AcquireTimeoutError, PoolQueueFullError, QueryAbortedError } from '../errors.ts'
import type { Execution } from './execution.ts'

export interface Waiter {
  /** A query waiting for pipeline room, or undefined for a reservation. */
  ex: Execution | undefined
  grant: ((connection: Connection) => void) | undefined
  fail: (error: Error) => void
  timer: WheelTimer | undefined
  done: boolean
}

export function waiter(
  ex: Execution | undefined,
  grant: ((connection: Connection) => void) | undefined,
  fail: (error: Error) => void,
): Waiter {
  return { ex, grant, fail, timer: undefined, done: false }
}

/** Marks the waiter served (or failed) and stops its timeout. */
export function settle(w: Waiter): void {
  w.done = true
  w.timer?.cancel()
}

export class WaitQueue {
  readonly maxWaiting: number
  readonly timeoutMs: number
  #items: Waiter[] = []

  constructor(maxWaiting: number, timeoutMs: number) {
    this.maxWaiting = maxWaiting
    this.timeoutMs = timeoutMs
  }

  /** Entries, including ones already timed out or aborted that were not swept yet. */
  get length(): number {
    return this.#items.length
  }

  /** Waiters still waiting. */
  get pending(): number {
    let n = 0
    for (const w of this.#items) if (!w.done) n++
    return n
  }

  /** Queues `w`, or fails it at once with PoolQueueFullError. */
  add(w: Waiter): void {
    if (this.#items.length >= this.maxWaiting) {
      w.fail(new PoolQueueFullError(this.maxWaiting))
      return
    }
    if (this.timeoutMs > 0) {
      w.timer = defaultReactor().timers.schedule(this.timeoutMs, () => {
        if (w.done) return
        w.done = true
        w.fail(new AcquireTimeoutError(this.timeoutMs))
      })
    }
    const signal = w.ex?.signal
    if (signal !== undefined) {
      signal.addEventListener('abort', () => {
        if (w.done) return
        settle(w)
        w.fail(new QueryAbortedError(signal.reason))
      })
    }
    this.#items.push(w)
  }

  /** Offers each waiting entry, in order, to `serve` until it returns false; served entries leave the queue. */
  drain(serve: (w: Waiter) => boolean): void {
    const items = this.#items
    let i = 0
    for (; i < items.length; i++) {
      const w = items[i]!
      if (!w.done && !serve(w)) break
    }
    this.#items = i === items.length ? [] : items.slice(i)
  }

  /** Fails every waiting entry with `error` and empties the queue. */
  failAll(error: Error): void {
    const items = this.#items
    this.#items = []
    for (const w of items) {
      if (w.done) continue
      settle(w)
      w.fail(error)
    }
  }
}
