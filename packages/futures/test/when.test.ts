import { describe, expect, it } from 'vitest'
import { Future, whenAll, whenAllSettled, whenAny, whenSome } from '../src/index.ts'

const later = <T>(value: T, ms = 1) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))
const laterFail = (message: string, ms = 1) =>
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms))

describe('whenAll', () => {
  it('is ready at once, in input order, when every input is ready', () => {
    const r = whenAll([Future.ready(1), 2, Future.ready('three')])
    expect(r.get()).toEqual([1, 2, 'three'])
  })

  it('waits for pending inputs and keeps input order, not completion order', async () => {
    expect(await whenAll([later('slow', 5), Future.ready('fast'), later('mid', 2)])).toEqual(['slow', 'fast', 'mid'])
  })

  it('rejects with the first rejection', async () => {
    await expect(whenAll([later(1, 5), laterFail('bad', 1)])).rejects.toThrow('bad')
    expect(() => whenAll([Future.ready(1), Future.failed(new Error('now'))]).get()).toThrow('now')
  })

  it('is ready with an empty array for no inputs', () => {
    expect(whenAll([]).get()).toEqual([])
  })

  it('rejects with the abort reason when the signal aborts first', async () => {
    const controller = new AbortController()
    const r = whenAll([later(1, 50)], { signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(r).rejects.toThrow('stop')
  })
})

describe('whenAllSettled', () => {
  it('reports each outcome without rejecting', async () => {
    const r = await whenAllSettled([Future.ready(1), laterFail('x')])
    expect(r[0]).toEqual({ status: 'fulfilled', value: 1 })
    expect(r[1].status).toBe('rejected')
  })
})

describe('whenAny', () => {
  it('fulfils with the first input to fulfil, ignoring earlier rejections', async () => {
    expect(await whenAny([laterFail('a', 1), later('b', 5), later('c', 20)])).toBe('b')
  })

  it('rejects with an AggregateError of every reason when all reject', async () => {
    const error = await whenAny([laterFail('a'), laterFail('b')])
      .toPromise()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors.map((e: Error) => e.message).sort()).toEqual(['a', 'b'])
  })

  it('rejects an empty input like Promise.any', () => {
    expect(() => whenAny([]).get()).toThrow(AggregateError)
  })
})

describe('whenSome', () => {
  it('fulfils with the first n values in completion order', async () => {
    expect(await whenSome([later('slow', 30), later('a', 1), later('b', 5)], 2)).toEqual(['a', 'b'])
  })

  it('rejects as soon as n can no longer be reached', async () => {
    const r = whenSome([laterFail('x', 1), laterFail('y', 2), later('z', 200)], 2)
    await expect(r).rejects.toBeInstanceOf(AggregateError)
  })

  it('refuses a negative count', () => {
    expect(() => whenSome([], -1)).toThrow(/count/)
  })
})
