// mapAsync / filterAsync / reduceAsync: bounded-concurrency iteration. Work that answers synchronously
// (a plain value or a ready future) is consumed in the same loop turn: a fully synchronous map is ready at once.
import { linkSignal, noop } from './abort.ts'
import { InvalidArgumentError } from './errors.ts'
import { FULFILLED, Future, isThenable, subscribe } from './future.ts'

export interface MapOptions {
  /** Maximum number of `fn` calls in flight. @default Infinity */
  concurrency?: number
  /** Aborting rejects the result with `signal.reason` and aborts the signal handed to every running `fn`. */
  signal?: AbortSignal
}

export type Mapper<T, R> = (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>

function checkConcurrency(concurrency: number): number {
  if (concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))
    return concurrency
  throw new InvalidArgumentError(`concurrency must be an integer >= 1 or Infinity, got ${concurrency}`)
}

/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight; results keep input order.
 * The first failure rejects the result and aborts the signal passed to the calls still running.
 * @example const pages = await mapAsync(urls, (url, _i, signal) => fetch(url, { signal }), { concurrency: 8 })
 */
export function mapAsync<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  fn: Mapper<T, R>,
  options?: MapOptions,
): Future<Awaited<R>[]> {
  const concurrency = checkConcurrency(options?.concurrency ?? Number.POSITIVE_INFINITY)
  const outer = options?.signal
  if (outer?.aborted) return Future.failed(outer.reason)
  const controller = new AbortController()
  const unlink = linkSignal(outer, controller)
  const { future, resolve, reject } = Future.withResolvers<Awaited<R>[]>()
  const results: Awaited<R>[] = []
  const isAsyncSource = Symbol.asyncIterator in items
  const iterator = isAsyncSource
    ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (items as Iterable<T>)[Symbol.iterator]()
  let index = 0
  let active = 0
  let exhausted = false
  let finished = false
  let pumping = false
  let pulling = false

  const fail = (reason: unknown) => {
    if (finished) return
    finished = true
    unlink()
    controller.abort(reason)
    if (!exhausted) void Promise.resolve(iterator.return?.()).catch(noop)
    reject(reason)
  }
  const succeed = () => {
    if (finished) return
    finished = true
    unlink()
    resolve(results)
  }
  controller.signal.addEventListener('abort', () => fail(controller.signal.reason), { once: true })

  const start = (item: T) => {
    const i = index++
    let r: R | PromiseLike<R>
    try {
      r = fn(item, i, controller.signal)
    } catch (error) {
      fail(error)
      return
    }
    if (r instanceof Future && r._state === FULFILLED) {
      results[i] = r._value
      return
    }
    if (!isThenable(r)) {
      results[i] = r as Awaited<R>
      return
    }
    active++
    subscribe(
      Future.from(r),
      (value) => {
        results[i] = value as Awaited<R>
        active--
        if (exhausted && active === 0) succeed()
        else pump()
      },
      fail,
    )
  }

  // invariant: at most `concurrency` calls in flight; re-entrant calls return at once and the outer loop continues
  const pump = (): void => {
    if (pumping || pulling) return
    pumping = true
    while (!finished && !exhausted && active < concurrency) {
      let next: IteratorResult<T> | Promise<IteratorResult<T>>
      try {
        next = iterator.next()
      } catch (error) {
        fail(error)
        break
      }
      if (isAsyncSource) {
        pulling = true
        Promise.resolve(next).then((n) => {
          pulling = false
          if (finished) return
          if (n.done) exhausted = true
          else start(n.value)
          if (exhausted && active === 0) succeed()
          else pump()
        }, fail)
        break
      }
      const n = next as IteratorResult<T>
      if (n.done) exhausted = true
      else start(n.value)
    }
    pumping = false
    if (!finished && exhausted && active === 0 && !pulling) succeed()
  }

  pump()
  return future
}

/** Keeps the items whose predicate holds, in input order, with `mapAsync`'s concurrency and cancellation. */
export function filterAsync<T>(
  items: Iterable<T> | AsyncIterable<T>,
  predicate: Mapper<T, boolean>,
  options?: MapOptions,
): Future<T[]> {
  const kept: T[] = []
  let seen = 0
  const order: T[] = []
  return mapAsync(
    items,
    (item, index, signal) => {
      order[index] = item
      seen++
      return predicate(item, index, signal)
    },
    options,
  ).then((verdicts) => {
    for (let i = 0; i < seen; i++) if (verdicts[i]) kept.push(order[i]!)
    return kept
  })
}

/**
 * Folds `items` in order; each step may return a thenable and the next waits for it.
 * Synchronous steps run in one loop without a microtask.
 */
export function reduceAsync<T, A>(
  items: Iterable<T> | AsyncIterable<T>,
  fn: (accumulator: A, item: T, index: number, signal: AbortSignal) => A | PromiseLike<A>,
  initial: A,
  options?: { signal?: AbortSignal },
): Future<A> {
  const signal = options?.signal ?? new AbortController().signal
  if (signal.aborted) return Future.failed(signal.reason)
  if (Symbol.asyncIterator in items) {
    return Future.from(
      (async () => {
        let acc = initial
        let i = 0
        for await (const item of items as AsyncIterable<T>) {
          signal.throwIfAborted()
          acc = await fn(acc, item, i++, signal)
        }
        return acc
      })(),
    )
  }
  const iterator = (items as Iterable<T>)[Symbol.iterator]()
  let index = 0
  const step = (acc: A): Future<A> => {
    for (;;) {
      if (signal.aborted) return Future.failed(signal.reason)
      let next: A | PromiseLike<A>
      try {
        const n = iterator.next()
        if (n.done) return Future.ready(acc)
        next = fn(acc, n.value, index++, signal)
      } catch (error) {
        return Future.failed(error)
      }
      if (next instanceof Future && next._state === FULFILLED) acc = next._value
      else if (isThenable(next)) return Future.from(next).then(step as (a: unknown) => Future<A>)
      else acc = next as A
    }
  }
  return step(initial)
}
