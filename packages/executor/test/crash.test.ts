import { afterEach, describe, expect, it } from 'vitest'
import { Executor, WorkerExitError } from '../src/index.ts'
import { occupy, reasonOf, tasks } from './helpers.ts'

let executor: Executor
afterEach(async () => {
  await executor?.close({ timeout: 1_000 })
})

describe('a worker that exits', () => {
  it('fails only its own task with WorkerExitError; the pool replaces it', async () => {
    executor = new Executor({ threads: 1 })
    const thread = await executor.run(tasks.whichThread, undefined)
    const error = await reasonOf(executor.run(tasks.crash, 7))
    expect(error).toBeInstanceOf(WorkerExitError)
    expect(error.code).toBe('EXECUTOR_WORKER_EXITED')
    expect(String(error.cause)).toContain('7')
    expect(await executor.run(tasks.whichThread, undefined)).not.toBe(thread)
    expect(executor.stats().threads).toBe(1)
  })

  it('sends the tasks queued behind the crashed one to the replacement worker', async () => {
    executor = new Executor({ threads: 1 })
    const crashed = executor.run(tasks.crash, 1)
    const behind = Array.from({ length: 5 }, (_, i) => executor.run(tasks.add, { a: i, b: 1 }))
    expect(await reasonOf(crashed)).toBeInstanceOf(WorkerExitError)
    expect(await Promise.all(behind)).toEqual([1, 2, 3, 4, 5])
  })

  it('leaves tasks on the other workers running', async () => {
    executor = new Executor({ threads: 2 })
    const neighbour = await occupy(executor)
    expect(await reasonOf(executor.run(tasks.crash, 2))).toBeInstanceOf(WorkerExitError)
    expect(await neighbour.release()).toBe('opened')
  })
})
