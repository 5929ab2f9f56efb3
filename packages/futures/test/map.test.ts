import { describe, expect, it } from 'vitest'
import { Future, filterAsync, mapAsync, reduceAsync } from '../src/index.ts'

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms))

describe('mapAsync', () => {
  it('is ready synchronously when every call answers synchronously', () => {
    const r = mapAsync([1, 2, 3], (x) => (x % 2 ? Future.ready(x * 10) : x * 10), { concurrency: 2 })
    expect(r.get()).toEqual([10, 20, 30])
  })

  it('never runs more than `concurrency` calls at once and keeps input order', async () => {
    let active = 0
    let peak = 0
    const r = await mapAsync(
      Array.from({ length: 20 }, (_, i) => i),
      async (x) => {
        active++
        peak = Math.max(peak, active)
        await tick(x % 3)
        active--
        return x * 2
      },
      { concurrency: 3 },
    )
    expect(peak).toBe(3)
    expect(r).toEqual(Array.from({ length: 20 }, (_, i) => i * 2))
  })

  it('rejects on the first failure, aborts the running calls and starts no new ones', async () => {
    const started: number[] = []
    const aborted: number[] = []
    const r = mapAsync(
      [0, 1, 2, 3, 4, 5],
      (x, _i, signal) => {
        started.push(x)
        signal.addEventListener('abort', () => aborted.push(x))
        if (x === 1) return tick(2).then(() => Promise.reject(new Error('one failed')))
        return new Promise((resolve) => setTimeout(resolve, 50))
      },
      { concurrency: 2 },
    )
    await expect(r).rejects.toThrow('one failed')
    expect(started).toEqual([0, 1])
    expect(aborted).toContain(0)
  })

  it('rejects with the abort reason and aborts running calls when the caller aborts', async () => {
    const controller = new AbortController()
    let sawAbort = false
    const r = mapAsync(
      [1, 2],
      (_x, _i, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            sawAbort = true
            reject(signal.reason)
          }),
        ),
      { signal: controller.signal },
    )
    controller.abort(new Error('caller gave up'))
    await expect(r).rejects.toThrow('caller gave up')
    expect(sawAbort).toBe(true)
  })

  it('consumes async iterables with the same bound', async () => {
    async function* source() {
      for (let i = 0; i < 5; i++) {
        await tick()
        yield i
      }
    }
    expect(await mapAsync(source(), async (x) => x + 1, { concurrency: 2 })).toEqual([1, 2, 3, 4, 5])
  })

  it('turns a synchronous throw into a rejection', async () => {
    const r = mapAsync([1], () => {
      throw new Error('sync')
    })
    await expect(r).rejects.toThrow('sync')
  })

  it('refuses a concurrency below 1', () => {
    expect(() => mapAsync([], (x) => x, { concurrency: 0 })).toThrow(/concurrency/)
  })
})

describe('filterAsync', () => {
  it('keeps the items whose predicate holds, in input order', async () => {
    const r = await filterAsync([5, 1, 4, 2, 3], async (x) => {
      await tick(x)
      return x > 2
    })
    expect(r).toEqual([5, 4, 3])
  })
})

describe('reduceAsync', () => {
  it('folds synchronously when every step is synchronous', () => {
    expect(reduceAsync([1, 2, 3], (acc, x) => acc + x, 0).get()).toBe(6)
  })

  it('waits for each asynchronous step before the next, in order', async () => {
    const order: number[] = []
    const r = await reduceAsync(
      [3, 1, 2],
      async (acc: number[], x) => {
        await tick(x)
        order.push(x)
        return [...acc, x]
      },
      [] as number[],
    )
    expect(r).toEqual([3, 1, 2])
    expect(order).toEqual([3, 1, 2])
  })
})
