import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, retry } from '../src/index.ts'

describe('backoffDelay', () => {
  it('grows exponentially up to maxDelay without jitter', () => {
    const b = { initialDelay: 100, factor: 2, maxDelay: 500, jitter: 0 }
    expect([1, 2, 3, 4].map((n) => backoffDelay(b, n))).toEqual([100, 200, 400, 500])
  })

  it('spreads the wait over [0, delay] with full jitter', () => {
    const b = { initialDelay: 100, jitter: 1 }
    expect(backoffDelay(b, 1, () => 0)).toBe(100)
    expect(backoffDelay(b, 1, () => 0.75)).toBe(25)
  })
})

describe('retry', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('retries failures with the backoff schedule until one attempt succeeds', async () => {
    const waits: number[] = []
    let calls = 0
    const r = retry(
      (attempt) => {
        calls++
        if (attempt < 3) throw new Error(`fail ${attempt}`)
        return `ok on ${attempt}`
      },
      { retries: 5, backoff: { initialDelay: 10, jitter: 0 }, onRetry: (_e, _n, ms) => waits.push(ms) },
    )
    await vi.runAllTimersAsync()
    expect(await r).toBe('ok on 3')
    expect(calls).toBe(3)
    expect(waits).toEqual([10, 20])
  })

  it('rejects with the last error once the retries are used up', async () => {
    let calls = 0
    const r = retry(
      async () => {
        calls++
        throw new Error(`attempt ${calls}`)
      },
      { retries: 2, backoff: () => 5 },
    )
    const outcome = r.toPromise().catch((e: Error) => e.message)
    await vi.runAllTimersAsync()
    expect(await outcome).toBe('attempt 3')
  })

  it('stops at once when retryIf says no', async () => {
    let calls = 0
    const r = retry(
      () => {
        calls++
        throw new TypeError('permanent')
      },
      { retries: 5, retryIf: (e) => !(e instanceof TypeError) },
    )
    await expect(r).rejects.toThrow('permanent')
    expect(calls).toBe(1)
  })

  it('stops waiting and rejects with the reason when the signal aborts', async () => {
    const controller = new AbortController()
    let calls = 0
    const r = retry(
      () => {
        calls++
        throw new Error('flaky')
      },
      { retries: 10, backoff: () => 1_000, signal: controller.signal },
    )
    const outcome = r.toPromise().catch((e: Error) => e.message)
    await vi.advanceTimersByTimeAsync(1_500)
    controller.abort(new Error('cancelled'))
    expect(await outcome).toBe('cancelled')
    expect(calls).toBe(2)
  })
})
