import { Future } from '@fasterapi/futures'
import { afterEach, describe, expect, it } from 'vitest'
import { defineTask, Executor, InvalidArgumentError } from '../src/index.ts'
import { flags, occupy, open, started, tasks } from './helpers.ts'

let executor: Executor
afterEach(async () => {
  await executor?.close({ timeout: 1_000 })
})

describe('Executor.run', () => {
  it('returns a Future with the value a TypeScript task module computed in a worker', async () => {
    executor = new Executor({ threads: 1 })
    const sum = executor.run(tasks.add, { a: 2, b: 40 })
    expect(sum).toBeInstanceOf(Future)
    expect(await sum).toBe(42)
    expect(await executor.run(tasks.norm, { x: 3, y: 4 })).toBe(5)
  })

  it('awaits tasks that return a promise', async () => {
    executor = new Executor({ threads: 1 })
    expect(await executor.run(tasks.later, 'abc')).toBe('ABC')
  })

  it('runs the task outside the main thread', async () => {
    executor = new Executor({ threads: 1 })
    const { threadId } = await import('node:worker_threads')
    expect(await executor.run(tasks.whichThread, undefined)).not.toBe(threadId)
  })

  it('runs tasks in the order they were submitted on one thread', async () => {
    executor = new Executor({ threads: 1 })
    const runs = Array.from({ length: 200 }, (_, i) => executor.run(tasks.record, i))
    const last = await runs[199]!
    expect(last).toEqual(Array.from({ length: 200 }, (_, i) => i))
  })

  it('runs higher priorities first, in submission order within a priority', async () => {
    executor = new Executor({ threads: 1 })
    // occupies the only worker (and its second batch slot) until the test has queued everything
    const worker = await occupy(executor)
    const filler = executor.run(tasks.record, -1) // straight to the worker's second batch slot
    const low = [1, 2].map((n) => executor.run(tasks.record, n, { priority: 0 }))
    const high = [10, 11].map((n) => executor.run(tasks.record, n, { priority: 5 }))
    await worker.release()
    await Promise.all([filler, ...low, ...high])
    const seen = await low[1]!
    expect(seen.slice(seen.indexOf(-1) + 1)).toEqual([10, 11, 1, 2])
  })

  it('computes every result under saturation, with many tasks batched per message', async () => {
    executor = new Executor({ threads: 2, maxQueue: 20_000 })
    const results = await Promise.all(Array.from({ length: 10_000 }, (_, i) => executor.run(tasks.add, { a: i, b: i })))
    expect(results.every((value, i) => value === 2 * i)).toBe(true)
    expect(executor.stats().completed).toBe(10_000)
  })

  it('accepts a task defined by module URL and export name', async () => {
    executor = new Executor({ threads: 1 })
    const add = defineTask<typeof import('./fixtures/tasks.ts')['add']>(
      new URL('./fixtures/tasks.ts', import.meta.url),
      'add',
    )
    expect(await executor.run(add, { a: 1, b: 1 })).toBe(2)
  })

  it('rejects a task whose export is missing, and keeps serving others', async () => {
    executor = new Executor({ threads: 1 })
    const missing = defineTask<(n: number) => number>(new URL('./fixtures/tasks.ts', import.meta.url), 'nope')
    await expect(executor.run(missing, 1)).rejects.toThrow('has no exported function "nope"')
    expect(await executor.run(tasks.add, { a: 1, b: 2 })).toBe(3)
  })

  it('ignores what task code posts on parentPort itself', async () => {
    executor = new Executor({ threads: 1 })
    expect(await executor.run(tasks.postsOwnMessage, 7)).toBe(7)
  })

  it('runs its worker threads niceIncrement below the event loop on Linux (nice is per thread there)', async () => {
    const { getPriority } = await import('node:os')
    const main = getPriority(0)
    const lowered = process.platform === 'linux' ? Math.min(19, main + 7) : main
    executor = new Executor({ threads: 1, niceIncrement: 7 })
    expect(await executor.run(tasks.threadPriority, undefined)).toBe(lowered)
    expect(getPriority(0)).toBe(main)
  })

  it('rejects invalid options and relative module paths', () => {
    expect(() => new Executor({ threads: 0 })).toThrow(InvalidArgumentError)
    expect(() => defineTask('./tasks.ts', 'add')).toThrow(InvalidArgumentError)
  })
})

describe('Executor.stats', () => {
  it('counts completed and failed tasks and summarizes run and wait times', async () => {
    executor = new Executor({ threads: 1 })
    await executor.run(tasks.spin, 2)
    await executor.run(tasks.add, { a: 1, b: 1 })
    await expect(executor.run(tasks.crash, 1)).rejects.toThrow()
    const stats = executor.stats()
    expect(stats).toMatchObject({ queued: 0, running: 0, completed: 2, failed: 1, cancelled: 0 })
    expect(stats.runTime.count).toBe(2)
    expect(stats.runTime.max).toBeGreaterThanOrEqual(stats.runTime.min)
    expect(stats.waitTime.count).toBe(2)
  })

  it('reports each worker thread with the share of its time spent running tasks', async () => {
    executor = new Executor({ threads: 2 })
    await Promise.all([executor.run(tasks.spin, 5), executor.run(tasks.spin, 5)])
    const { workers, threads } = executor.stats()
    expect(threads).toBe(2)
    expect(workers).toHaveLength(2)
    for (const worker of workers) {
      expect(worker.threadId).toBeGreaterThan(0)
      expect(worker.utilization).toBeGreaterThanOrEqual(0)
      expect(worker.utilization).toBeLessThanOrEqual(1)
    }
    expect(workers.some((worker) => worker.utilization > 0)).toBe(true)
  })

  it('shows queued and running tasks while a worker is busy', async () => {
    executor = new Executor({ threads: 1 })
    const worker = await occupy(executor)
    const more = Array.from({ length: 5 }, (_, i) => executor.run(tasks.add, { a: i, b: 0 }))
    // the first one went straight to the worker's second batch slot
    expect(executor.stats()).toMatchObject({ queued: 4, running: 2 })
    await worker.release()
    await Promise.all(more)
  })
})

describe('pool size', () => {
  it('starts threads up to `threads` for concurrent work and retires idle ones down to minThreads', async () => {
    executor = new Executor({ threads: 2, minThreads: 1, idleTimeout: 20 })
    const gate = flags(1)
    const begun = flags(2)
    const both = [0, 1].map((index) =>
      executor.run(tasks.waitForGate, { gate, started: begun.subarray(index, index + 1) }),
    )
    await started(begun, 0)
    await started(begun, 1) // both run at once: a second thread was started for the second task
    expect(executor.stats().threads).toBe(2)
    open(gate)
    await Promise.all(both)
    while (executor.stats().threads > 1) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(executor.stats().threads).toBe(1)
  })
})
