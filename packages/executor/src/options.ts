// Options of the Executor, of run() and of close().
import type { TransferListItem } from 'node:worker_threads'

export interface ExecutorOptions {
  /** Worker threads at most. @default defaultPoolSize(): the process's cores minus one, at least 1 */
  threads?: number
  /** Threads kept alive when idle; the others exit after `idleTimeout`. @default threads */
  minThreads?: number
  /** Milliseconds an idle thread above `minThreads` lives. @default 30_000 */
  idleTimeout?: number
  /** Tasks that may wait for a worker; one more is rejected at once with `QueueFullError`. @default 1024 */
  maxQueue?: number
  /** Small tasks sent to a worker in one message, at most. 1 turns batching off. @default 64 */
  maxBatch?: number
  /**
   * Added to the worker threads' nice value on Linux, so that the event loop of the main thread wins the CPU
   * from them when cores are short. Measured on 2 oversubscribed cores (benchmarks/executor): it lowered the
   * cheap route's p99 next to a hammered 20 ms route in 4 of 5 comparisons, but doubled a trivial task's round
   * trip (the worker wakes later) and can slow the offloaded work itself, so it is opt-in. On idle cores it
   * changes nothing.
   * @default 0
   */
  niceIncrement?: number
  /** Error classes revived with their prototype (`instanceof` works) when a task throws them. */
  errorClasses?: readonly (abstract new (
    ...args: any[]
  ) => Error)[]
  /** Node options of the worker threads, e.g. `['--conditions=development']`. @default process.execArgv */
  execArgv?: string[]
  /** Environment of the worker threads. @default process.env */
  env?: Record<string, string>
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number }
}

export interface RunOptions {
  /** Aborting removes a queued task, or stops a running one (its worker is replaced). */
  signal?: AbortSignal
  /** Milliseconds from `run()` (queueing included) before the task fails with `TaskTimeoutError` and stops. */
  timeout?: number
  /** ArrayBuffers (or ports) of the input to move to the worker instead of copying them. */
  transfer?: readonly TransferListItem[]
  /** Higher runs first; equal priorities run in order. @default 0 */
  priority?: number
}

export interface CloseOptions {
  /** Milliseconds to wait for tasks; then the rest fail with `ExecutorClosedError`. @default 30_000 */
  timeout?: number
  /** `'run'`: queued tasks still run; `'reject'`: they fail at once with `ExecutorClosedError`. @default 'run' */
  queued?: 'run' | 'reject'
}
