import { describe, expect, it } from 'vitest'
import { Executor, ExecutorClosedError } from '../src/index.ts'
import { flags, occupy, reasonOf, started, tasks } from './helpers.ts'

async function withBusyWorker() {
  const executor = new Executor({ threads: 1 })
  const worker = await occupy(executor)
  const queued = Array.from({ length: 4 }, (_, i) => executor.run(tasks.add, { a: i, b: 10 }))
  return { executor, worker, queued }
}

describe('Executor.close', () => {
  it('lets queued and running tasks finish, then resolves', async () => {
    const { executor, worker, queued } = await withBusyWorker()
    const closed = executor.close()
    expect(closed.isReady).toBe(false)
    expect(await worker.release()).toBe('opened')
    expect(await Promise.all(queued)).toEqual([10, 11, 12, 13])
    await closed
    expect(executor.stats().threads).toBe(0)
  })

  it("rejects the queued tasks at once with queued: 'reject', and lets the running one finish", async () => {
    const { executor, worker, queued } = await withBusyWorker()
    const closed = executor.close({ queued: 'reject' })
    // the first queued task already sat in the worker's second batch slot: it still runs
    const [first, ...rest] = queued
    for (const run of rest) expect(await reasonOf(run)).toBeInstanceOf(ExecutorClosedError)
    expect(await worker.release()).toBe('opened')
    expect(await first).toBe(10)
    await closed
  })

  it('fails what is left at the deadline and terminates the workers', async () => {
    const executor = new Executor({ threads: 1 })
    const begun = flags(1)
    const stuck = executor.run(tasks.spinForever, { started: begun, index: 0 })
    await started(begun)
    const failure = reasonOf(stuck)
    await executor.close({ timeout: 20 })
    const error = await failure
    expect(error).toBeInstanceOf(ExecutorClosedError)
    expect(error.code).toBe('EXECUTOR_CLOSED')
  })

  it('rejects run() after close with ExecutorClosedError, and returns the same future when called again', async () => {
    const executor = new Executor({ threads: 1 })
    const closed = executor.close()
    expect(executor.close()).toBe(closed)
    expect(await reasonOf(executor.run(tasks.add, { a: 1, b: 1 }))).toBeInstanceOf(ExecutorClosedError)
    await closed
  })

  it('closes through await using', async () => {
    let outside: Executor
    {
      await using executor = new Executor({ threads: 1 })
      outside = executor
      expect(await executor.run(tasks.add, { a: 1, b: 1 })).toBe(2)
    }
    expect(await reasonOf(outside.run(tasks.add, { a: 1, b: 1 }))).toBeInstanceOf(ExecutorClosedError)
  })
})
