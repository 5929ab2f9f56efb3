// whenAll / whenAllSettled / whenAny / whenSome: Promise.all, allSettled and any, and bluebird's some,
// for futures. When every input is already settled, the result is ready at once (no microtask).
import { onAbort } from './abort.ts'
import { InvalidArgumentError } from './errors.ts'
import { FULFILLED, Future, PENDING, REJECTED, subscribe } from './future.ts'

export interface WhenOptions {
  /** Rejects the combined future with `signal.reason` when it aborts first. */
  signal?: AbortSignal
}

export type WhenAllResult<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> }

export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown }

// Visits each input as a Future; plain values become ready futures only when they have to.
function toFutures(values: Iterable<unknown>): Future<unknown>[] {
  const out: Future<unknown>[] = []
  for (const v of values) out.push(v instanceof Future ? v : Future.from(v))
  return out
}

// Settles `result` once; the abort listener is removed when it settles.
function gate<T>(options: WhenOptions | undefined) {
  const { future, resolve, reject } = Future.withResolvers<T>()
  const signal = options?.signal
  if (signal?.aborted) reject(signal.reason)
  const unlisten = onAbort(signal, reject)
  const done = () => future.isReady
  return {
    future,
    done,
    resolve(value: T) {
      unlisten()
      resolve(value)
    },
    reject(reason: unknown) {
      unlisten()
      reject(reason)
    },
  }
}

/**
 * Fulfils with every value, in input order, when all inputs fulfil; rejects with the first rejection.
 * @example const [user, posts] = await whenAll([getUser(id), getPosts(id)])
 */
export function whenAll<T extends readonly unknown[] | []>(values: T, options?: WhenOptions): Future<WhenAllResult<T>>
export function whenAll<T>(values: Iterable<T | PromiseLike<T>>, options?: WhenOptions): Future<Awaited<T>[]>
export function whenAll(values: Iterable<unknown>, options?: WhenOptions): Future<unknown[]> {
  const futures = toFutures(values)
  const n = futures.length
  const results = new Array<unknown>(n)
  let pending = 0
  let failure: Future<unknown> | undefined
  for (let i = 0; i < n; i++) {
    const f = futures[i]!
    if (f._state === FULFILLED) results[i] = f._value
    else if (f._state === REJECTED) {
      f._handled = true
      failure ??= f
    } else pending++
  }
  if (options?.signal === undefined && pending === 0) {
    return failure === undefined ? Future.ready(results) : Future.failed(failure._value)
  }
  const g = gate<unknown[]>(options)
  if (failure !== undefined) g.reject(failure._value)
  else if (pending === 0) g.resolve(results)
  for (let i = 0; i < n; i++) {
    const f = futures[i]!
    if (f._state !== PENDING) continue
    subscribe(
      f,
      (value) => {
        results[i] = value
        if (--pending === 0 && !g.done()) g.resolve(results)
      },
      (reason) => {
        if (!g.done()) g.reject(reason)
      },
    )
  }
  return g.future
}

/** Fulfils with the outcome of every input once all have settled; never rejects (unless aborted). */
export function whenAllSettled<T extends readonly unknown[] | []>(
  values: T,
  options?: WhenOptions,
): Future<{ -readonly [K in keyof T]: Settled<Awaited<T[K]>> }>
export function whenAllSettled<T>(values: Iterable<T | PromiseLike<T>>, options?: WhenOptions): Future<Settled<T>[]>
export function whenAllSettled(values: Iterable<unknown>, options?: WhenOptions): Future<Settled<unknown>[]> {
  const settled = toFutures(values).map((f) =>
    f.then(
      (value): Settled<unknown> => ({ status: 'fulfilled', value }),
      (reason): Settled<unknown> => ({ status: 'rejected', reason }),
    ),
  )
  return whenAll(settled, options)
}

/**
 * Fulfils with the first input to fulfil; rejects with an `AggregateError` of every reason when all reject
 * (including when there are no inputs), like `Promise.any`.
 */
export function whenAny<T>(values: Iterable<T | PromiseLike<T>>, options?: WhenOptions): Future<Awaited<T>> {
  return whenSome(values, 1, options).then((values) => values[0] as Awaited<T>)
}

/**
 * Fulfils with the first `count` values to fulfil, in the order they fulfilled. Rejects with an
 * `AggregateError` as soon as so many inputs have rejected that `count` can no longer be reached.
 */
export function whenSome<T>(
  values: Iterable<T | PromiseLike<T>>,
  count: number,
  options?: WhenOptions,
): Future<Awaited<T>[]> {
  if (!Number.isInteger(count) || count < 0)
    throw new InvalidArgumentError(`count must be an integer >= 0, got ${count}`)
  const futures = toFutures(values)
  const g = gate<Awaited<T>[]>(options)
  const winners: Awaited<T>[] = []
  const errors: unknown[] = []
  const check = () => {
    if (g.done()) return
    if (winners.length >= count) g.resolve(winners.slice(0, count))
    else if (futures.length - errors.length < count) {
      g.reject(
        new AggregateError(errors, `Only ${futures.length - errors.length} of ${count} required futures can fulfil`),
      )
    }
  }
  check()
  for (const f of futures) {
    subscribe(
      f,
      (value) => {
        if (g.done()) return
        winners.push(value as Awaited<T>)
        check()
      },
      (reason) => {
        if (g.done()) return
        errors.push(reason)
        check()
      },
    )
  }
  return g.future
}
