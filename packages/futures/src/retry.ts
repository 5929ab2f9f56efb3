// retry: call again after a failure, with exponential backoff and jitter, until it succeeds, `retryIf`
// says no, the attempts run out (the last error is the rejection) or the signal aborts.
import { InvalidArgumentError } from './errors.ts'
import { Future } from './future.ts'
import { sleep } from './sleep.ts'

export interface Backoff {
  /** Delay before the first retry, in ms. @default 100 */
  initialDelay?: number
  /** Each further retry waits `factor` times longer. @default 2 */
  factor?: number
  /** Upper bound of one delay, in ms. @default 30_000 */
  maxDelay?: number
  /**
   * Fraction of the delay that is randomised: the wait is `delay * (1 - jitter * random())`.
   * `1` is "full jitter" (anywhere in [0, delay]), `0` is none. @default 1
   */
  jitter?: number
}

export interface RetryOptions {
  /** Retries after the first attempt, so at most `retries + 1` calls. @default 3 */
  retries?: number
  /** The backoff schedule, or a function from the retry number (1-based) to a delay in ms. */
  backoff?: Backoff | ((retry: number) => number)
  /** Whether a failure is worth another attempt. @default every failure */
  retryIf?: (error: unknown, attempt: number) => boolean
  /** Called before each wait, e.g. to log. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
  /** Stops waiting and retrying; the signal is also handed to each attempt. */
  signal?: AbortSignal
  /** Source of randomness for the jitter. @default Math.random */
  random?: () => number
}

/** The wait before retry number `retry` (1-based) under `backoff`. */
export function backoffDelay(backoff: Backoff, retry: number, random: () => number = Math.random): number {
  const { initialDelay = 100, factor = 2, maxDelay = 30_000, jitter = 1 } = backoff
  const delay = Math.min(maxDelay, initialDelay * factor ** (retry - 1))
  return delay * (1 - jitter * random())
}

/**
 * Runs `fn` until it fulfils, retrying failures with exponential backoff and jitter.
 * @example const rows = await retry((attempt, signal) => db.query(sql, { signal }), { retries: 5 })
 */
export function retry<T>(
  fn: (attempt: number, signal: AbortSignal) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Future<Awaited<T>> {
  const { retries = 3, backoff = {}, retryIf, onRetry, random = Math.random } = options
  if (!Number.isInteger(retries) || retries < 0) {
    throw new InvalidArgumentError(`retries must be an integer >= 0, got ${retries}`)
  }
  const signal = options.signal ?? new AbortController().signal
  const attempt = (n: number): Future<Awaited<T>> => {
    if (signal.aborted) return Future.failed(signal.reason)
    let result: Future<Awaited<T>>
    try {
      result = Future.from(fn(n, signal)) as Future<Awaited<T>>
    } catch (error) {
      result = Future.failed(error)
    }
    return result.catch((error: unknown) => {
      if (signal.aborted || n > retries || (retryIf !== undefined && !retryIf(error, n))) throw error
      const delay = typeof backoff === 'function' ? backoff(n) : backoffDelay(backoff, n, random)
      onRetry?.(error, n, delay)
      return sleep(delay, signal).then(() => attempt(n + 1))
    })
  }
  return attempt(1)
}
