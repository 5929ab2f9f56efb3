import { Future } from '@fasterapi/futures'
import { Piscina } from 'piscina'
import { Dispatcher, type DispatchHost } from './dispatcher.ts'
import {
  ExecutorClosedError,
  InvalidArgumentError,
  QueueFullError,
  TaskTimeoutError,
  WorkerExitError,
} from './errors.ts'
import type { CloseOptions, ExecutorOptions, RunOptions } from './options.ts'
import { defaultPoolSize } from './pool-size.ts'
import { type SharedRegions, slotBase } from './protocol.ts'
import { ResultSlots } from './result-slots.ts'
import { reviveError } from './serialize-error.ts'
import { type ExecutorStats, StatsRecorder } from './stats.ts'
import type { Task } from './task.ts'
import { TaskEntry } from './task-entry.ts'
import { TaskQueue } from './task-queue.ts'

const RUNNER = new URL(import.meta.url.endsWith('.ts') ? './runner.ts' : './runner.js', import.meta.url)
// Piscina may hand a worker its next batch while the current one runs, so a worker never waits a round trip.
const BATCHES_PER_WORKER = 2
// A batch carries at most this much predicted work (mean run time per task), so a worker never holds tasks
// another worker could start. Tasks without a measured run time yet travel alone.
const BATCH_BUDGET_MS = 1
// Shared memory for the results of one batch; a result that does not fit is posted as a message instead.
const REGION_BYTES = 32 * 1024

/**
 * A pool of worker threads for CPU-bound tasks, on piscina. `run()` returns a Future; small tasks are
 * batched under load; a task can be aborted or time out without affecting another.
 * @example
 * const tasks = defineTasks<typeof import('./tasks.ts')>(new URL('./tasks.ts', import.meta.url))
 * const executor = new Executor()
 * const digest = await executor.run(tasks.hash, { data }, { signal, timeout: 2_000 })
 */
export class Executor {
  /** Worker threads at most. */
  readonly threads: number
  readonly #pool: Piscina
  readonly #dispatcher: Dispatcher
  readonly #queue = new TaskQueue<TaskEntry>()
  readonly #stats = new StatsRecorder()
  readonly #maxQueue: number
  readonly #maxBatch: number
  readonly #errorClasses: Map<string, Function>
  #unsettled = 0
  #flushScheduled = false
  #closed: Future<void> | undefined
  #onDrained: (() => void) | undefined
  // ref'd while a task is unsettled: a result on its way from an idle (unref'd) worker keeps the process alive
  readonly #keepAlive = setInterval(noop, 2 ** 30).unref()

  constructor(options: ExecutorOptions = {}) {
    this.threads = positive(options.threads ?? defaultPoolSize(), 'threads')
    this.#maxQueue = positive(options.maxQueue ?? 1024, 'maxQueue')
    this.#maxBatch = positive(options.maxBatch ?? 64, 'maxBatch')
    this.#errorClasses = new Map((options.errorClasses ?? []).map((c) => [c.name, c]))
    const capacity = this.threads * BATCHES_PER_WORKER
    const shared: SharedRegions = {
      states: new Int32Array(new SharedArrayBuffer(capacity * slotBase(0, this.#maxBatch) * 4)),
      results: new SharedArrayBuffer(capacity * REGION_BYTES),
      stride: slotBase(0, this.#maxBatch),
      regionBytes: REGION_BYTES,
      niceIncrement: options.niceIncrement ?? 0,
    }
    this.#pool = new Piscina({
      filename: RUNNER.href,
      workerData: shared,
      maxThreads: this.threads,
      minThreads: Math.min(options.minThreads ?? this.threads, this.threads),
      idleTimeout: options.idleTimeout ?? 30_000,
      concurrentTasksPerWorker: BATCHES_PER_WORKER,
      loadBalancer: spreadFirst(this.threads),
      // idle workers block in Atomics.wait and wake on a notify: measured ~5-10 µs shorter round trips than
      // waiting in their event loop ('disabled'), at the price of Node's eventLoopUtilization() reading 1
      // for them (stats() measures utilization from task run times instead)
      atomics: 'sync',
      execArgv: options.execArgv,
      env: options.env,
      resourceLimits: options.resourceLimits,
    })
    // a worker dying between tasks is replaced by piscina; nothing of ours was lost
    this.#pool.on('error', () => {})
    this.#pool.on('workerCreate', (worker: { id: number }) => this.#stats.workerStarted(worker.id))
    this.#pool.on('workerDestroy', (worker: { id: number }) => this.#stats.workerStopped(worker.id))
    // the dispatcher's callbacks stay off the public type: a host object over private methods
    const host: DispatchHost = {
      onResult: (entry, ok, value, runMs, threadId) => this.#onResult(entry, ok, value, runMs, threadId),
      onCrash: (entry, error) => this.#onCrash(entry, error),
      onLost: (entries) => this.#onLost(entries),
      onCapacity: () => this.#onCapacity(),
    }
    this.#dispatcher = new Dispatcher(this.#pool, host, new ResultSlots(shared), capacity, shared.stride)
  }

  /**
   * Runs `task` on a worker with a structured clone of `input`. Fails at once with `QueueFullError` when
   * `maxQueue` tasks wait, and with `ExecutorClosedError` after `close()`.
   */
  run<I, O>(task: Task<I, O>, input: I, options?: RunOptions): Future<O> {
    if (this.#closed !== undefined) return Future.failed(new ExecutorClosedError())
    const signal = options?.signal
    if (signal?.aborted) return Future.failed(signal.reason)
    if (this.#queue.size >= this.#maxQueue) return Future.failed(new QueueFullError(this.#maxQueue, this.#retryAfter()))
    const { future, resolve, reject } = Future.withResolvers<O>()
    const entry = new TaskEntry(task.key, input, options?.transfer, options?.priority ?? 0, resolve, reject)
    if (signal !== undefined || options?.timeout !== undefined) this.#watch(entry, signal, options?.timeout)
    if (this.#unsettled++ === 0) this.#keepAlive.ref()
    if (this.#queue.size === 0 && !this.#flushScheduled && this.#dispatcher.free > 0) {
      this.#dispatcher.dispatch([entry]) // an idle pool: no batch to wait for, skip the microtask
    } else {
      this.#queue.push(entry)
      this.#onCapacity()
    }
    return future
  }

  /** A snapshot of the queue, the counters, the time histograms and each worker's utilization. */
  stats(): ExecutorStats {
    const queued = this.#queue.size
    return {
      queued,
      running: this.#unsettled - queued,
      threads: this.#pool.threads.length,
      completed: this.#stats.completed,
      failed: this.#stats.failed,
      cancelled: this.#stats.cancelled,
      ...this.#stats.summaries(),
      workers: this.#stats.workerLoads(),
    }
  }

  /**
   * Stops accepting tasks, lets the queued ones run (or rejects them, with `queued: 'reject'`) and waits for
   * every task until `timeout`; what is left then fails with `ExecutorClosedError`. The threads exit.
   */
  close(options: CloseOptions = {}): Future<void> {
    if (this.#closed !== undefined) return this.#closed
    const { future, resolve } = Future.withResolvers<void>()
    this.#closed = future
    if (options.queued === 'reject') this.#failAll(this.#queue.drain(), 'The executor closed before the task started')
    const finish = () => {
      clearTimeout(deadline)
      clearInterval(this.#keepAlive)
      this.#dispatcher.stop()
      this.#onDrained = undefined
      this.#pool.destroy().then(() => resolve())
    }
    const deadline = setTimeout(() => {
      this.#failAll(this.#queue.drain(), 'The executor closed before the task started')
      this.#failAll(this.#dispatcher.inFlightEntries(), 'The executor closed before the task finished')
    }, options.timeout ?? 30_000)
    if (this.#unsettled === 0) finish()
    else this.#onDrained = finish
    return future
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #onResult(entry: TaskEntry, ok: boolean, value: unknown, runMs: number, threadId: number): void {
    this.#stats.record(entry.key, threadId, runMs, performance.now() - entry.submittedAt)
    if (ok) {
      this.#stats.completed++
      this.#settle(entry, true, value)
    } else {
      this.#stats.failed++
      this.#settle(entry, false, reviveError(value, this.#errorClasses))
    }
  }

  #onCrash(entry: TaskEntry, error: unknown): void {
    this.#stats.failed++
    const reason =
      error instanceof Error && error.name === 'DataCloneError'
        ? error
        : new WorkerExitError('The worker running the task exited before it finished', { cause: error })
    this.#settle(entry, false, reason)
  }

  #onLost(entries: TaskEntry[]): void {
    if (entries.length > 0) this.#queue.unshift(entries)
  }

  // schedules a dispatch at the end of the current job, to batch what arrives in it
  #onCapacity(): void {
    if (this.#flushScheduled || this.#queue.size === 0 || this.#dispatcher.free === 0) return
    this.#flushScheduled = true
    queueMicrotask(this.#flush)
  }

  #flush = (): void => {
    this.#flushScheduled = false
    const dispatcher = this.#dispatcher
    const queue = this.#queue
    while (dispatcher.free > 0 && queue.size > 0) {
      // share the queue among the free slots so that every worker gets work
      dispatcher.dispatch(this.#takeBatch(Math.min(Math.ceil(queue.size / dispatcher.free), this.#maxBatch)))
    }
  }

  #takeBatch(limit: number): TaskEntry[] {
    const first = this.#queue.shift()!
    const batch = [first]
    if (first.solo) return batch
    let cost = this.#stats.meanRunTime(first.key) ?? Number.POSITIVE_INFINITY
    while (batch.length < limit) {
      const next = this.#queue.peek()
      if (next === undefined || next.solo) break
      cost += this.#stats.meanRunTime(next.key) ?? Number.POSITIVE_INFINITY
      if (!(cost <= BATCH_BUDGET_MS)) break
      batch.push(this.#queue.shift()!)
    }
    return batch
  }

  #watch(entry: TaskEntry, signal: AbortSignal | undefined, timeout: number | undefined): void {
    const onAbort = () => this.#cancel(entry, signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer =
      timeout === undefined ? undefined : setTimeout(() => this.#cancel(entry, new TaskTimeoutError(timeout)), timeout)
    entry.cleanup = () => {
      signal?.removeEventListener('abort', onAbort)
      if (timer !== undefined) clearTimeout(timer)
    }
  }

  #cancel(entry: TaskEntry, reason: unknown): void {
    if (entry.settled) return
    if (entry.queued) this.#queue.remove(entry)
    else if (entry.batch !== undefined) this.#dispatcher.cancel(entry)
    this.#stats.cancelled++
    this.#settle(entry, false, reason)
  }

  #failAll(entries: readonly TaskEntry[], message: string): void {
    for (const entry of entries) {
      this.#stats.cancelled++
      this.#settle(entry, false, new ExecutorClosedError(message))
    }
  }

  #settle(entry: TaskEntry, ok: boolean, value: unknown): void {
    if (entry.settled) return
    entry.settled = true
    entry.cleanup?.()
    if (--this.#unsettled === 0) this.#keepAlive.unref()
    if (ok) entry.resolve(value)
    else entry.reject(value)
    if (this.#unsettled === 0) this.#onDrained?.()
  }

  // seconds until the queue is expected to have room: its work spread over the threads
  #retryAfter(): number {
    return Math.max(1, Math.ceil((this.#queue.size * this.#stats.overallMeanRunTime()) / this.threads / 1000))
  }
}

function noop(): void {}

type Balancer = NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer'] & {}

// piscina's default balancer gives a busy worker its second batch before it starts another thread, so with
// minThreads < threads two long tasks would share one thread. This one takes an idle worker, else starts a
// thread while there are fewer than `threads` (null: piscina spawns and queues), else the least busy.
function spreadFirst(threads: number): Balancer {
  return (_task, workers) => {
    let best: (typeof workers)[number] | null = null
    for (const worker of workers) {
      if (worker.currentUsage === 0) return worker
      if (worker.currentUsage < BATCHES_PER_WORKER && (best === null || worker.currentUsage < best.currentUsage)) {
        best = worker
      }
    }
    return workers.length < threads ? null : best
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError(`${name} must be an integer ≥ 1, got ${value}`)
  return value
}
