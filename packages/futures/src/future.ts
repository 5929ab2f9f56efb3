import { FutureNotReadyError } from './errors.ts'
import { trackRejection } from './unhandled.ts'

// states of `_state`; exported for the combinators' fast paths, not from the package
export const PENDING = 0
export const FULFILLED = 1
export const REJECTED = 2
type State = typeof PENDING | typeof FULFILLED | typeof REJECTED

// Past this many nested settlements, reactions are queued and run by the outermost settle call,
// so a long pending chain resolves without growing the stack.
const MAX_SYNC_DEPTH = 64

type OnFulfilled<T, R> = ((value: T) => R | PromiseLike<R>) | null | undefined
type OnRejected<R> = ((reason: any) => R | PromiseLike<R>) | null | undefined

/**
 * A continuation waiting on a pending future. With a `target`, it is a `then()` step whose result settles
 * the target; without one, it is an internal sink (combinators) whose handlers never throw.
 */
class Reaction {
  onFulfilled: ((value: any) => any) | null | undefined
  onRejected: ((reason: any) => any) | null | undefined
  target: Future<any> | undefined
  constructor(
    onFulfilled: ((value: any) => any) | null | undefined,
    onRejected: ((reason: any) => any) | null | undefined,
    target: Future<any> | undefined,
  ) {
    this.onFulfilled = onFulfilled
    this.onRejected = onRejected
    this.target = target
  }
}

/** The settled state of a future, as `whenAllSettled` reports it. */
export type FutureState = 'pending' | 'fulfilled' | 'rejected'

/**
 * A Seastar-style future. Unlike a Promise, a future that already holds its value runs continuations
 * **synchronously**: `Future.ready(1).then(f)` calls `f` before `then` returns. A pending future runs each
 * continuation exactly once, synchronously when it settles. `await future` and `Promise.resolve(future)`
 * work because a Future is a thenable.
 *
 * @example
 * const f = Future.ready(2).then((x) => x * 21) // already fulfilled with 42, no microtask involved
 * const v = await f                              // 42
 */
export class Future<T> implements PromiseLike<T> {
  /** @internal */ _state: State = PENDING
  /** @internal */ _value: any = undefined
  /** @internal */ _handled = false
  /** @internal first reaction inline: most futures have at most one */ _reaction: Reaction | undefined = undefined
  /** @internal further reactions, in registration order */ _reactions: Reaction[] | undefined = undefined

  /** Like `new Promise(executor)`; the executor runs synchronously. */
  constructor(executor?: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void) {
    if (executor !== undefined) {
      const { resolve, reject } = resolversFor(this)
      try {
        executor(resolve, reject)
      } catch (error) {
        reject(error)
      }
    }
  }

  /** A fulfilled future holding `value` (taken as is, even when it is a thenable). */
  static ready<T>(value: T): Future<T>
  static ready(): Future<void>
  static ready<T>(value?: T): Future<T> {
    const f = new Future<T>()
    f._state = FULFILLED
    f._value = value
    return f
  }

  /** A rejected future. Nobody handling it by the end of the current macrotask is reported as unhandled. */
  static failed<T = never>(reason: unknown): Future<T> {
    const f = new Future<T>()
    f._state = REJECTED
    f._value = reason
    trackRejection(f)
    return f
  }

  /** Adopts any value: a Future is returned as is, a thenable is followed, anything else is ready. */
  static from<T>(value: T | PromiseLike<T>): Future<Awaited<T>> {
    if (value instanceof Future) return value as Future<Awaited<T>>
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      const f = new Future<Awaited<T>>()
      resolveFuture(f, value)
      return f
    }
    return Future.ready(value as Awaited<T>)
  }

  /** A pending future with the functions that settle it (the first call wins). */
  static withResolvers<T>(): FutureWithResolvers<T> {
    const future = new Future<T>()
    const { resolve, reject } = resolversFor(future)
    return { future, resolve, reject }
  }

  /** `'pending'`, `'fulfilled'` or `'rejected'`. */
  get state(): FutureState {
    return this._state === PENDING ? 'pending' : this._state === FULFILLED ? 'fulfilled' : 'rejected'
  }

  /** True once the future holds a value or a failure (Seastar's `available()`). */
  get isReady(): boolean {
    return this._state !== PENDING
  }

  /**
   * The value of a fulfilled future; throws the reason of a rejected one (which counts as handling it) and
   * `FutureNotReadyError` for a pending one.
   */
  get(): T {
    if (this._state === FULFILLED) return this._value
    if (this._state === REJECTED) {
      this._handled = true
      throw this._value
    }
    throw new FutureNotReadyError()
  }

  then<R1 = T, R2 = never>(onFulfilled?: OnFulfilled<T, R1>, onRejected?: OnRejected<R2>): Future<R1 | R2> {
    const state = this._state
    // invariant: a settled future never changes, so a missing handler can hand back `this`
    if (state === FULFILLED) {
      return typeof onFulfilled === 'function' ? callSync(onFulfilled, this._value) : (this as Future<any>)
    }
    if (state === REJECTED) {
      if (typeof onRejected !== 'function') return this as Future<any>
      this._handled = true
      return callSync(onRejected, this._value)
    }
    this._handled = true
    const target = new Future<R1 | R2>()
    addReaction(this, new Reaction(onFulfilled, onRejected, target))
    return target
  }

  catch<R = never>(onRejected?: OnRejected<R>): Future<T | R> {
    return this.then(undefined, onRejected)
  }

  /** Runs `onFinally` on either outcome and passes the outcome on (after a thenable it returns settles). */
  finally(onFinally?: (() => unknown) | null): Future<T> {
    if (typeof onFinally !== 'function') return this.then()
    return this.then(
      (value) => {
        const r = onFinally()
        return isThenable(r) ? Future.from(r).then(() => value) : value
      },
      (reason) => {
        const r = onFinally()
        if (isThenable(r))
          return Future.from(r).then(() => {
            throw reason
          })
        throw reason
      },
    )
  }

  /** A native Promise with the same outcome. */
  toPromise(): Promise<T> {
    if (this._state === FULFILLED) return Promise.resolve(this._value)
    if (this._state === REJECTED) {
      this._handled = true
      return Promise.reject(this._value)
    }
    return new Promise<T>((resolve, reject) => subscribe(this, resolve, reject))
  }

  get [Symbol.toStringTag](): string {
    return 'Future'
  }
}

export interface FutureWithResolvers<T> {
  future: Future<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

/**
 * The settling side of one pending future (Seastar's `promise<T>`): `future` is handed out, `resolve` or
 * `reject` settles it, and the first call wins. Unlike `Future.withResolvers()` it allocates no closure,
 * so a hot path (a request body being read) pays for one object; the methods need their receiver, so pass
 * `(v) => r.resolve(v)`, not `r.resolve`, where a detached function is wanted.
 * @example
 * const r = new Resolver<Buffer>()
 * stream.once('end', () => r.resolve(Buffer.concat(chunks)))
 * return r.future
 */
export class Resolver<T> {
  readonly future: Future<T> = new Future<T>()
  #done = false

  /** Fulfils the future with `value`, or makes it follow `value` when that is a thenable. */
  resolve(value: T | PromiseLike<T>): void {
    if (this.#done) return
    this.#done = true
    resolveFuture(this.future, value)
  }

  reject(reason?: unknown): void {
    if (this.#done) return
    this.#done = true
    settle(this.future, REJECTED, reason)
  }

  /** True once `resolve` or `reject` was called (the future may still follow a pending thenable). */
  get settled(): boolean {
    return this.#done
  }
}

/** True for anything with a callable `then` (Promises/A+ 1.2). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Calls `onFulfilled` or `onRejected` once `future` settles, synchronously if it already has. Internal sinks
 * for combinators: no child future is allocated, and attaching counts as handling a rejection.
 */
export function subscribe<T>(
  future: Future<T>,
  onFulfilled: (value: T) => void,
  onRejected: (reason: unknown) => void,
): void {
  const state = future._state
  future._handled = true
  if (state === FULFILLED) onFulfilled(future._value)
  else if (state === REJECTED) onRejected(future._value)
  else addReaction(future, new Reaction(onFulfilled, onRejected, undefined))
}

// invariant: `fn` runs now; its result becomes a future without a microtask (ready when it is a plain value)
function callSync<R>(fn: (value: any) => R | PromiseLike<R>, value: unknown): Future<R> {
  let result: R | PromiseLike<R>
  try {
    result = fn(value)
  } catch (error) {
    return Future.failed(error)
  }
  if (result instanceof Future) return result
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) {
    const f = new Future<R>()
    resolveFuture(f, result)
    return f
  }
  return Future.ready(result as R)
}

function resolversFor<T>(future: Future<T>): Pick<FutureWithResolvers<T>, 'resolve' | 'reject'> {
  let done = false
  return {
    resolve(value) {
      if (done) return
      done = true
      resolveFuture(future, value)
    },
    reject(reason) {
      if (done) return
      done = true
      settle(future, REJECTED, reason)
    },
  }
}

// The Promises/A+ resolution procedure (2.3), with a fast path for Futures.
function resolveFuture(future: Future<any>, x: unknown): void {
  if (x === future) {
    settle(future, REJECTED, new TypeError('A future cannot be resolved with itself'))
    return
  }
  if (x instanceof Future) {
    x._handled = true
    if (x._state === PENDING) addReaction(x, new Reaction(undefined, undefined, future))
    else settle(future, x._state, x._value)
    return
  }
  if (x !== null && (typeof x === 'object' || typeof x === 'function')) {
    let then: unknown
    try {
      then = (x as { then?: unknown }).then
    } catch (error) {
      settle(future, REJECTED, error)
      return
    }
    if (typeof then === 'function') {
      let called = false
      try {
        then.call(
          x,
          (y: unknown) => {
            if (called) return
            called = true
            resolveFuture(future, y)
          },
          (r: unknown) => {
            if (called) return
            called = true
            settle(future, REJECTED, r)
          },
        )
      } catch (error) {
        if (!called) {
          called = true
          settle(future, REJECTED, error)
        }
      }
      return
    }
  }
  settle(future, FULFILLED, x)
}

function addReaction(future: Future<any>, reaction: Reaction): void {
  if (future._reaction === undefined) future._reaction = reaction
  else if (future._reactions === undefined) future._reactions = [reaction]
  else future._reactions.push(reaction)
}

let depth = 0
const deferred: Future<any>[] = []

function settle(future: Future<any>, state: typeof FULFILLED | typeof REJECTED, value: unknown): void {
  if (future._state !== PENDING) return
  future._state = state
  future._value = value
  if (future._reaction === undefined) {
    if (state === REJECTED && !future._handled) trackRejection(future)
    return
  }
  if (depth >= MAX_SYNC_DEPTH) {
    deferred.push(future)
    return
  }
  depth++
  try {
    runReactions(future)
    if (depth === 1) {
      // the outermost settle drains what deeper ones deferred, in order
      for (let i = 0; i < deferred.length; i++) runReactions(deferred[i]!)
      deferred.length = 0
    }
  } finally {
    depth--
  }
}

function runReactions(future: Future<any>): void {
  const first = future._reaction
  const rest = future._reactions
  future._reaction = undefined
  future._reactions = undefined
  if (first !== undefined) runReaction(first, future._state, future._value)
  if (rest !== undefined) for (const r of rest) runReaction(r, future._state, future._value)
}

function runReaction(reaction: Reaction, state: State, value: unknown): void {
  const handler = state === FULFILLED ? reaction.onFulfilled : reaction.onRejected
  const target = reaction.target
  if (target === undefined) {
    handler!(value)
    return
  }
  if (typeof handler !== 'function') {
    settle(target, state as typeof FULFILLED | typeof REJECTED, value)
    return
  }
  let result: unknown
  try {
    result = handler(value)
  } catch (error) {
    settle(target, REJECTED, error)
    return
  }
  resolveFuture(target, result)
}
