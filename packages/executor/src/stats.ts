import { createHistogram, type RecordableHistogram } from 'node:perf_hooks'

/** A latency distribution, in milliseconds. */
export interface TimeSummary {
  count: number
  min: number
  mean: number
  p50: number
  p90: number
  p99: number
  max: number
}

/**
 * A worker thread's utilization since it started: the share of its time spent running tasks, 0 idle, 1 always
 * busy. (Node's eventLoopUtilization() reads 1 for piscina workers, which block in Atomics.wait when idle.)
 */
export interface WorkerLoad {
  threadId: number
  utilization: number
}

export interface ExecutorStats {
  /** Tasks waiting for a worker. */
  queued: number
  /** Tasks handed to a worker and not settled yet. */
  running: number
  /** Worker threads alive. */
  threads: number
  completed: number
  failed: number
  /** Tasks aborted or timed out (queued or running). */
  cancelled: number
  /** Time spent running, measured in the worker. */
  runTime: TimeSummary
  /** Time from `run()` to the result, minus the run time: queueing and messaging. */
  waitTime: TimeSummary
  workers: WorkerLoad[]
}

// histograms hold integers; times are recorded in microseconds
const US_PER_MS = 1000

export class StatsRecorder {
  completed = 0
  failed = 0
  cancelled = 0
  readonly #runTime: RecordableHistogram = createHistogram()
  readonly #waitTime: RecordableHistogram = createHistogram()
  // per task key: exponentially weighted mean run time, used to size batches
  readonly #meanRun = new Map<string, number>()
  // per worker thread: when it started and how long it has run tasks, in ms
  readonly #workers = new Map<number, { started: number; busy: number }>()

  workerStarted(threadId: number): void {
    this.#workers.set(threadId, { started: performance.now(), busy: 0 })
  }

  workerStopped(threadId: number): void {
    this.#workers.delete(threadId)
  }

  workerLoads(): WorkerLoad[] {
    const now = performance.now()
    return Array.from(this.#workers, ([threadId, { started, busy }]) => ({
      threadId,
      utilization: now > started ? Math.min(1, busy / (now - started)) : 0,
    }))
  }

  record(key: string, threadId: number, runMs: number, totalMs: number): void {
    const worker = this.#workers.get(threadId)
    if (worker !== undefined) worker.busy += runMs
    this.#runTime.record(Math.max(1, Math.round(runMs * US_PER_MS)))
    this.#waitTime.record(Math.max(1, Math.round((totalMs - runMs) * US_PER_MS)))
    const mean = this.#meanRun.get(key)
    this.#meanRun.set(key, mean === undefined ? runMs : mean * 0.8 + runMs * 0.2)
  }

  /** Mean run time of a task, or undefined before its first result. */
  meanRunTime(key: string): number | undefined {
    return this.#meanRun.get(key)
  }

  /** Mean run time over every task so far, in ms (0 before any). */
  overallMeanRunTime(): number {
    return this.#runTime.count === 0 ? 0 : this.#runTime.mean / US_PER_MS
  }

  summaries(): { runTime: TimeSummary; waitTime: TimeSummary } {
    return { runTime: summarize(this.#runTime), waitTime: summarize(this.#waitTime) }
  }
}

function summarize(h: RecordableHistogram): TimeSummary {
  if (h.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 }
  return {
    count: h.count,
    min: h.min / US_PER_MS,
    mean: h.mean / US_PER_MS,
    p50: h.percentile(50) / US_PER_MS,
    p90: h.percentile(90) / US_PER_MS,
    p99: h.percentile(99) / US_PER_MS,
    max: h.max / US_PER_MS,
  }
}
