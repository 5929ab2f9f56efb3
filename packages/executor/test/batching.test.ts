// Small tasks travel in batches and their results come back through shared memory. These tests force
// batches (a busy worker lets the queue fill; warmed tasks have a known, tiny run time) and check that a
// batch behaves like its tasks sent one by one.
import { afterEach, describe, expect, it } from 'vitest'
import { Executor, WorkerExitError } from '../src/index.ts'
import { flags, occupy, open, reasonOf, started, tasks } from './helpers.ts'

let executor: Executor
afterEach(async () => {
  await executor?.close({ timeout: 1_000 })
})

async function warm(run: () => PromiseLike<unknown>): Promise<void> {
  for (let i = 0; i < 20; i++) await run()
}

describe('batched tasks', () => {
  it('return values of every kind intact', async () => {
    executor = new Executor({ threads: 1 })
    const values = [
      0,
      -1.5,
      Number.NaN,
      'text',
      'ünïcödé ✓ 😀',
      '',
      true,
      false,
      null,
      undefined,
      { nested: { list: [1, 'two', null] } },
      new Map([['k', new Date(0)]]),
      new Uint8Array([1, 2, 3]),
      'x'.repeat(100_000), // larger than a batch's shared memory: posted instead
      [1n, new Set([2])],
    ]
    await warm(() => executor.run(tasks.identity, 1))
    const worker = await occupy(executor)
    const runs = values.map((value) => executor.run(tasks.identity, value))
    await worker.release()
    expect(await Promise.all(runs)).toEqual(values)
  })

  it('deliver the finished results of a batch whose worker crashed, and rerun the tasks it had not started', async () => {
    executor = new Executor({ threads: 1 })
    await warm(() => executor.run(tasks.echoOrCrash, 1))
    const worker = await occupy(executor)
    const inputs = [1, 2, 3, 4, -1, 6, 7, 8]
    const runs = inputs.map((n) => executor.run(tasks.echoOrCrash, n))
    await worker.release()
    const settled = await Promise.allSettled(runs)
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'failed'))).toEqual([1, 2, 3, 4, 'failed', 6, 7, 8])
    expect((settled[4] as PromiseRejectedResult).reason).toBeInstanceOf(WorkerExitError)
  })

  it('stop only the aborted task of a batch; its neighbours before and after complete', async () => {
    executor = new Executor({ threads: 1 })
    const begun = flags(1)
    await warm(() => executor.run(tasks.echoOrHang, { n: 1, started: begun }))
    const worker = await occupy(executor)
    const controller = new AbortController()
    const runs = [1, 2, -1, 4, 5].map((n) =>
      executor.run(tasks.echoOrHang, { n, started: begun }, n === -1 ? { signal: controller.signal } : undefined),
    )
    await worker.release()
    await started(begun)
    controller.abort()
    expect((await reasonOf(runs[2]!)).name).toBe('AbortError')
    expect(await Promise.all([runs[0], runs[1], runs[3], runs[4]])).toEqual([1, 2, 4, 5])
  })

  it('deliver a finished result while a slower neighbour of its batch still runs', async () => {
    executor = new Executor({ threads: 1 })
    const gate = flags(1)
    await warm(() => executor.run(tasks.echoOrWait, { n: 1, gate }))
    const worker = await occupy(executor)
    const filler = executor.run(tasks.echoOrWait, { n: 0, gate }) // takes the worker's second batch slot
    const fast = executor.run(tasks.echoOrWait, { n: 5, gate })
    const slow = executor.run(tasks.echoOrWait, { n: -1, gate }) // in one batch with fast, after it
    await worker.release()
    expect(await filler).toBe(0)
    expect(await fast).toBe(5)
    expect(slow.isReady).toBe(false)
    open(gate)
    expect(await slow).toBe(-1)
  })

  it('deliver a finished task while the next batch on its worker blocks', async () => {
    executor = new Executor({ threads: 1 })
    const gate = flags(1)
    await warm(() => executor.run(tasks.echoOrWait, { n: 1, gate }))
    const worker = await occupy(executor)
    const fast = executor.run(tasks.echoOrWait, { n: 5, gate }) // alone, in the worker's second slot
    const slow = executor.run(tasks.echoOrWait, { n: -1, gate }) // next batch, once a slot frees
    await worker.release()
    expect(await fast).toBe(5)
    expect(slow.isReady).toBe(false)
    open(gate)
    expect(await slow).toBe(-1)
  })
})
