import { onAbort } from './abort.ts'
import { Future } from './future.ts'

/** A future fulfilled after `ms`; aborting `signal` clears the timer and rejects with `signal.reason`. */
export function sleep(ms: number, signal?: AbortSignal): Future<void> {
  if (signal?.aborted) return Future.failed(signal.reason)
  const { future, resolve, reject } = Future.withResolvers<void>()
  const timer = setTimeout(() => {
    unlisten()
    resolve()
  }, ms)
  const unlisten = onAbort(signal, (reason) => {
    clearTimeout(timer)
    reject(reason)
  })
  return future
}
