// A consumer loop over an execution that delivers in pieces (a cursor's batches, COPY TO STDOUT's chunks):
// it sleeps until a piece arrives or the execution settles.
import type { Execution } from './execution.ts'

export interface Settlement {
  settled: boolean
  /** The rejection, once settled with one. */
  failure: unknown
  /** Wakes the sleeping loop; call it when a piece arrives. */
  wake: (() => void) | undefined
}

/** Tracks `ex`'s settlement, waking the loop when it happens. */
export function watchSettlement(ex: Execution): Settlement {
  const state: Settlement = { settled: false, failure: undefined, wake: undefined }
  ex.promise.then(
    () => {
      state.settled = true
      state.wake?.()
    },
    (error: unknown) => {
      state.settled = true
      state.failure = error
      state.wake?.()
    },
  )
  return state
}

/** Sleeps until the next `wake()`. */
export async function sleepUntilWoken(state: Settlement): Promise<void> {
  await new Promise<void>((resolve) => {
    state.wake = resolve
  })
  state.wake = undefined
}
