// Transactions: BEGIN with its modes on a reserved connection, COMMIT or ROLLBACK, savepoints, and an
// opt-in retry of the whole callback when the server reports a serialization failure or a deadlock.
// https://www.postgresql.org/docs/current/sql-begin.html, https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html
import { type Backoff, retry } from '@fasterapi/futures'
import { OptionError, PgDriverError, PostgresError, STALE_STATEMENT, TRANSACTION_ROLLED_BACK } from './errors.ts'

export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable'

export interface TransactionRetryOptions {
  /** Re-runs after the first attempt, so at most `retries + 1` attempts. @default 3 */
  retries?: number
  /** Wait before each re-run: exponential with full jitter. @default { initialDelay: 10, factor: 2, maxDelay: 1000 } */
  backoff?: Backoff
  /** Called before each wait, e.g. to count or log conflicts. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

export interface TransactionOptions {
  /** `ISOLATION LEVEL ...`; the server's default (`read committed`) when unset. */
  isolation?: IsolationLevel
  /** `READ ONLY` (true) or `READ WRITE` (false). */
  readOnly?: boolean
  /** `DEFERRABLE`: with serializable and readOnly, waits for a snapshot that cannot fail. */
  deferrable?: boolean
  /**
   * Runs the whole callback again when the transaction fails with a serialization failure (`40001`), a
   * deadlock (`40P01`) or a statement gone stale (`PG_STALE_STATEMENT`): `true` for the defaults, or the
   * limits. Off by default. The callback must have no effects outside the database (no HTTP calls, no
   * messages sent, no in-memory state changed), because a re-run repeats them.
   */
  retry?: boolean | TransactionRetryOptions
}

const ISOLATION = new Set<string>(['read uncommitted', 'read committed', 'repeatable read', 'serializable'])
const RETRY_CODES = new Set(['40001', '40P01', STALE_STATEMENT])

/** The BEGIN statement for `options`; its parts come from a fixed list, never from the caller's text. */
export function beginStatement(options: TransactionOptions): string {
  const modes: string[] = []
  const { isolation, readOnly, deferrable } = options
  if (isolation !== undefined) {
    if (!ISOLATION.has(isolation)) {
      throw new OptionError(`isolation must be one of ${[...ISOLATION].join(', ')}; got ${String(isolation)}`)
    }
    modes.push(`isolation level ${isolation}`)
  }
  if (readOnly !== undefined) modes.push(readOnly ? 'read only' : 'read write')
  if (deferrable !== undefined) modes.push(deferrable ? 'deferrable' : 'not deferrable')
  return modes.length === 0 ? 'begin' : `begin ${modes.join(', ')}`
}

/** Whether a failed attempt may be run again: the server rolled it back for a reason a re-run can clear. */
export function isRetryable(error: unknown): boolean {
  return (error instanceof PostgresError || error instanceof PgDriverError) && RETRY_CODES.has(error.code)
}

/** Runs `attempt` once, or under `retry` with backoff and jitter when the options ask for it. */
export function withRetry<T>(options: TransactionOptions, attempt: () => Promise<T>): Promise<T> {
  const setting = options.retry
  if (setting === undefined || setting === false) return attempt()
  const limits = setting === true ? {} : setting
  const retries = limits.retries ?? 3
  if (!Number.isInteger(retries) || retries < 0) {
    throw new OptionError(`retry.retries must be an integer >= 0; got ${retries}`)
  }
  const future = retry(attempt, {
    retries,
    backoff: { initialDelay: 10, factor: 2, maxDelay: 1000, ...limits.backoff },
    retryIf: isRetryable,
    ...(limits.onRetry === undefined ? {} : { onRetry: limits.onRetry }),
  })
  return new Promise<T>((resolve, reject) => future.then(resolve as (value: unknown) => void, reject))
}

/** COMMIT answered ROLLBACK: a failure inside the callback was caught there, and the transaction is lost. */
export function rolledBackError(): PgDriverError {
  return new PgDriverError(
    TRANSACTION_ROLLED_BACK,
    'the transaction was rolled back: a statement in it failed and the error was caught inside begin()',
  )
}
