// A cursor reads a result in batches through one unnamed portal: Execute with a row limit, Flush, and the
// server suspends the portal (PortalSuspended) until the next Execute. The next batch is asked for only
// once the consumer is done with the previous one, so at most one batch of rows is in memory: the socket
// is not read ahead of the loop (backpressure is the round trip itself).
import type { Execution } from './internal/execution.ts'
import { sleepUntilWoken, watchSettlement } from './internal/settlement.ts'

/** Async iteration over `ex`'s batches; `ex` must be dispatched after this is set up. */
export function cursorBatches<T>(ex: Execution): AsyncIterableIterator<T[]> {
  const batches: T[][] = []
  const state = watchSettlement(ex)
  let last = false
  ex.onBatch = (rows, isLast) => {
    // a Result is an Array subclass; the consumer gets plain arrays of rows
    batches.push(Array.from(rows as unknown as T[]))
    last = isLast
    state.wake?.()
  }
  async function* iterate(): AsyncGenerator<T[]> {
    try {
      for (;;) {
        const rows = batches.shift()
        if (rows !== undefined) {
          if (rows.length > 0) yield rows
          // the consumer is done with this batch: ask for the next one (the portal is suspended)
          if (!last && !state.settled && batches.length === 0) ex.connection?.fetchMore(ex)
          continue
        }
        if (state.settled) {
          if (state.failure !== undefined) throw state.failure
          return
        }
        await sleepUntilWoken(state)
      }
    } finally {
      // left early (break, throw in the loop): end the portal and wait until the connection is free again
      if (!state.settled) {
        ex.onBatch = undefined
        ex.connection?.closeCursor(ex)
        await ex.promise.catch(() => undefined)
      }
    }
  }
  return iterate()
}
