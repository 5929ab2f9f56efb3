import { afterEach, describe, expect, it } from 'vitest'
import { Executor, TaskTimeoutError } from '../src/index.ts'
import { flags, occupy, open, reasonOf, started, tasks } from './helpers.ts'

let executor: Executor
afterEach(async () => {
  await executor?.close({ timeout: 1_000 })
})

describe('cancellation of a queued task', () => {
  it('removes it from the queue: it never runs, the tasks around it do', async () => {
    executor = new Executor({ threads: 1 })
    const worker = await occupy(executor)
    const controller = new AbortController()
    const before = executor.run(tasks.record, 1)
    const aborted = executor.run(tasks.record, 2, { signal: controller.signal })
    const after = executor.run(tasks.record, 3)
    controller.abort(new Error('client went away'))
    expect((await reasonOf(aborted)).message).toBe('client went away')
    await worker.release()
    await before
    const seen = await after
    expect(seen).toContain(1)
    expect(seen).not.toContain(2)
    expect(seen.at(-1)).toBe(3)
    expect(executor.stats().cancelled).toBe(1)
  })

  it('rejects at once with the reason of a signal that is already aborted', async () => {
    executor = new Executor({ threads: 1 })
    const error = await reasonOf(executor.run(tasks.add, { a: 1, b: 1 }, { signal: AbortSignal.abort('gone') }))
    expect(error).toBe('gone')
  })

  it('skips a task already handed to a worker but not started, without stopping the worker', async () => {
    executor = new Executor({ threads: 1 })
    const worker = await occupy(executor)
    const controller = new AbortController()
    const waiting = executor.run(tasks.record, 20, { signal: controller.signal })
    // it went straight to the worker's second batch slot
    expect(executor.stats().queued).toBe(0)
    controller.abort()
    expect((await reasonOf(waiting)).name).toBe('AbortError')
    await worker.release()
    const thread = await executor.run(tasks.whichThread, undefined)
    const seen = await executor.run(tasks.record, 21)
    expect(seen).not.toContain(20)
    expect(await executor.run(tasks.whichThread, undefined)).toBe(thread)
  })
})

describe('cancellation of a running task', () => {
  it('stops it by replacing its worker; the task queued behind it on that worker still runs', async () => {
    executor = new Executor({ threads: 1 })
    const begun = flags(1)
    const controller = new AbortController()
    const thread = await executor.run(tasks.whichThread, undefined)
    const stuck = executor.run(tasks.spinForever, { started: begun, index: 0 }, { signal: controller.signal })
    const behind = executor.run(tasks.add, { a: 20, b: 22 })
    await started(begun)
    controller.abort()
    expect((await reasonOf(stuck)).name).toBe('AbortError')
    expect(await behind).toBe(42)
    expect(await executor.run(tasks.whichThread, undefined)).not.toBe(thread)
  })

  it('does not touch a neighbour running on another worker', async () => {
    executor = new Executor({ threads: 2 })
    const begun = flags(2)
    const gate = flags(1)
    const controller = new AbortController()
    const stuck = executor.run(tasks.spinForever, { started: begun, index: 0 }, { signal: controller.signal })
    const neighbour = executor.run(tasks.waitForGate, { gate, started: begun.subarray(1) })
    await started(begun, 0)
    await started(begun, 1)
    controller.abort()
    await reasonOf(stuck)
    open(gate)
    expect(await neighbour).toBe('opened')
  })

  it('fails with TaskTimeoutError when the timeout passes, and the pool keeps serving', async () => {
    executor = new Executor({ threads: 1 })
    const begun = flags(1)
    const error = await reasonOf(executor.run(tasks.spinForever, { started: begun, index: 0 }, { timeout: 50 }))
    expect(error).toBeInstanceOf(TaskTimeoutError)
    expect(error.code).toBe('EXECUTOR_TASK_TIMEOUT')
    expect(await executor.run(tasks.add, { a: 1, b: 2 })).toBe(3)
  })

  it('leaves a finished task alone when the abort comes after its result', async () => {
    executor = new Executor({ threads: 1 })
    const controller = new AbortController()
    expect(await executor.run(tasks.add, { a: 1, b: 2 }, { signal: controller.signal })).toBe(3)
    const thread = await executor.run(tasks.whichThread, undefined)
    controller.abort()
    expect(await executor.run(tasks.whichThread, undefined)).toBe(thread)
    expect(executor.stats().cancelled).toBe(0)
  })
})
