import { describe, expect, it } from 'vitest'
import { Future, TimeoutError, timeout } from '../src/index.ts'

describe('timeout', () => {
  it('returns a ready future unchanged, with no timer', () => {
    const f = Future.ready(1)
    expect(timeout(f, 10)).toBe(f)
  })

  it('fulfils with the value when the work settles in time', async () => {
    expect(await timeout(new Promise((r) => setTimeout(() => r('ok'), 1)), 1_000)).toBe('ok')
  })

  it('rejects with a TimeoutError and aborts the work it gives up on', async () => {
    let aborted: unknown
    const r = timeout(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason
            reject(signal.reason)
          })
        }),
      5,
    )
    const error = await r.toPromise().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).code).toBe('FUTURES_TIMEOUT')
    expect(aborted).toBe(error)
  })

  it('passes a caller abort through to the work', async () => {
    const controller = new AbortController()
    const r = timeout(
      (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      10_000,
      { signal: controller.signal },
    )
    controller.abort(new Error('client left'))
    await expect(r).rejects.toThrow('client left')
  })
})
