import { linkSignal } from './abort.ts'
import { TimeoutError } from './errors.ts'
import { Future, subscribe } from './future.ts'

/**
 * Rejects with a `TimeoutError` when `work` has not settled within `ms`. Give a function to have the
 * work aborted when it is given up on: it receives a signal that aborts (with the `TimeoutError`) at the
 * deadline or when `options.signal` aborts.
 * @example const user = await timeout((signal) => fetch(url, { signal }), 2_000)
 */
export function timeout<T>(
  work: PromiseLike<T> | ((signal: AbortSignal) => T | PromiseLike<T>),
  ms: number,
  options?: { signal?: AbortSignal },
): Future<Awaited<T>> {
  const controller = new AbortController()
  const unlink = linkSignal(options?.signal, controller)
  if (controller.signal.aborted) return Future.failed(controller.signal.reason)
  let source: Future<Awaited<T>>
  try {
    source = Future.from(typeof work === 'function' ? work(controller.signal) : work) as Future<Awaited<T>>
  } catch (error) {
    unlink()
    return Future.failed(error)
  }
  if (source.isReady) {
    unlink()
    return source
  }
  const { future, resolve, reject } = Future.withResolvers<Awaited<T>>()
  const finish = () => {
    clearTimeout(timer)
    unlink()
    controller.signal.removeEventListener('abort', onAbort)
  }
  const onAbort = () => {
    finish()
    reject(controller.signal.reason)
  }
  const timer = setTimeout(() => controller.abort(new TimeoutError(ms)), ms)
  controller.signal.addEventListener('abort', onAbort, { once: true })
  subscribe(
    source,
    (value) => {
      finish()
      resolve(value)
    },
    (reason) => {
      finish()
      reject(reason)
    },
  )
  return future
}
