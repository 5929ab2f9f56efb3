import { describe, expect, it } from 'vitest'
import { Future, FutureNotReadyError, Resolver } from '../src/index.ts'

describe('ready futures run continuations synchronously', () => {
  it('runs then() before then() returns and hands back a ready future', () => {
    const log: string[] = []
    const next = Future.ready(1).then((v) => {
      log.push(`cont ${v}`)
      return v + 1
    })
    log.push('after then')
    expect(log).toEqual(['cont 1', 'after then'])
    expect(next.state).toBe('fulfilled')
    expect(next.get()).toBe(2)
  })

  it('runs a three-step chain completely inside the calling code', () => {
    const r = Future.ready(2)
      .then((x) => x * 3)
      .then((x) => Future.ready(x + 1))
      .then((x) => `${x}`)
    expect(r.get()).toBe('7')
  })

  it('runs catch() on a failed future synchronously and recovers', () => {
    const r = Future.failed<number>(new Error('no')).catch((e: Error) => e.message.length)
    expect(r.get()).toBe(2)
  })

  it('turns a throwing continuation into a failed future', () => {
    const boom = new Error('boom')
    const r = Future.ready(1).then(() => {
      throw boom
    })
    expect(r.state).toBe('rejected')
    expect(() => r.get()).toThrow(boom)
  })

  it('passes the outcome through when the handler for it is missing', () => {
    const err = new Error('x')
    expect(
      Future.ready(5)
        .catch(() => 0)
        .get(),
    ).toBe(5)
    const failed = Future.failed(err).then((v) => v)
    expect(() => failed.get()).toThrow(err)
  })

  it('propagates an error through a chain of then() to the first catch', () => {
    const seen: string[] = []
    const r = Future.ready(1)
      .then(() => {
        throw new Error('early')
      })
      .then(() => seen.push('skipped 1'))
      .then(() => seen.push('skipped 2'))
      .catch((e: Error) => e.message)
    expect(seen).toEqual([])
    expect(r.get()).toBe('early')
  })
})

describe('pending futures', () => {
  it('runs every continuation exactly once, in registration order, when resolved', () => {
    const { future, resolve } = Future.withResolvers<number>()
    const log: string[] = []
    future.then((v) => log.push(`a${v}`))
    future.then((v) => log.push(`b${v}`))
    future.then((v) => log.push(`c${v}`))
    expect(log).toEqual([])
    resolve(7)
    resolve(8)
    expect(log).toEqual(['a7', 'b7', 'c7'])
  })

  it('runs continuations synchronously inside the resolve call', () => {
    const { future, resolve } = Future.withResolvers<string>()
    const log: string[] = []
    future.then((v) => log.push(v))
    resolve('now')
    log.push('after resolve')
    expect(log).toEqual(['now', 'after resolve'])
  })

  it('keeps the first settlement: later resolve or reject calls are ignored', () => {
    const { future, resolve, reject } = Future.withResolvers<number>()
    reject(new Error('first'))
    resolve(1)
    expect(future.state).toBe('rejected')
    future.catch(() => {})
  })

  it('adopts a pending future it is resolved with', () => {
    const outer = Future.withResolvers<number>()
    const inner = Future.withResolvers<number>()
    outer.resolve(inner.future)
    expect(outer.future.state).toBe('pending')
    inner.resolve(3)
    expect(outer.future.get()).toBe(3)
  })

  it('rejects with a TypeError when resolved with itself', () => {
    const { future, resolve } = Future.withResolvers<unknown>()
    resolve(future)
    expect(() => future.get()).toThrow(TypeError)
  })

  it('resolves a 100,000-step pending chain without overflowing the stack', () => {
    const { future, resolve } = Future.withResolvers<number>()
    let tail: Future<number> = future
    for (let i = 0; i < 100_000; i++) tail = tail.then((x) => x + 1)
    resolve(0)
    expect(tail.get()).toBe(100_000)
  })

  it('throws FutureNotReadyError from get() while pending', () => {
    const { future } = Future.withResolvers<number>()
    expect(() => future.get()).toThrow(FutureNotReadyError)
    expect(future.isReady).toBe(false)
  })
})

describe('construction and interop', () => {
  it('runs a Promise-style executor synchronously', () => {
    const f = new Future<number>((resolve) => resolve(4))
    expect(f.get()).toBe(4)
  })

  it('rejects when the executor throws', () => {
    const f = new Future<number>(() => {
      throw new Error('exec')
    })
    expect(() => f.get()).toThrow('exec')
  })

  it('works with await and with Promise.resolve adoption', async () => {
    expect(await Future.ready(9)).toBe(9)
    await expect(Promise.resolve(Future.ready('a'))).resolves.toBe('a')
    await expect(Future.failed(new Error('r')).toPromise()).rejects.toThrow('r')
    const { future, resolve } = Future.withResolvers<number>()
    setTimeout(() => resolve(11), 1)
    expect(await future).toBe(11)
  })

  it('follows a native Promise through Future.from', async () => {
    const f = Future.from(Promise.resolve(5))
    expect(f.state).toBe('pending')
    expect(await f).toBe(5)
    expect(f.get()).toBe(5)
  })

  it('rejects when a thenable throws from its then getter', () => {
    const evil = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('getter')
      },
    })
    const f = Future.ready(1).then(() => evil)
    expect(() => f.get()).toThrow('getter')
  })

  it('returns the same future from Future.from(future)', () => {
    const f = Future.ready(1)
    expect(Future.from(f)).toBe(f)
  })

  it('runs finally on both outcomes and keeps the outcome', async () => {
    const calls: string[] = []
    expect(
      Future.ready(1)
        .finally(() => calls.push('ok'))
        .get(),
    ).toBe(1)
    const failed = Future.failed(new Error('e')).finally(() => calls.push('err'))
    expect(() => failed.get()).toThrow('e')
    const waited = Future.ready(2).finally(() => new Promise((r) => setTimeout(r, 1)))
    expect(waited.state).toBe('pending')
    expect(await waited).toBe(2)
    expect(calls).toEqual(['ok', 'err'])
  })

  it('reports its tag as Future', () => {
    expect(Object.prototype.toString.call(Future.ready(1))).toBe('[object Future]')
  })
})

describe('Resolver', () => {
  it('settles its future once, synchronously, the first call winning', () => {
    const r = new Resolver<number>()
    const log: string[] = []
    r.future.then((v) => log.push(`got ${v}`))
    expect(r.settled).toBe(false)
    r.resolve(5)
    log.push('after resolve')
    r.reject(new Error('late'))
    r.resolve(6)
    expect(log).toEqual(['got 5', 'after resolve'])
    expect(r.future.get()).toBe(5)
    expect(r.settled).toBe(true)
  })

  it('rejects, and follows a pending future it is resolved with', () => {
    const failing = new Resolver<number>()
    failing.reject(new Error('nope'))
    failing.resolve(1)
    expect(() => failing.future.get()).toThrow('nope')

    const outer = new Resolver<number>()
    const inner = new Resolver<number>()
    outer.resolve(inner.future)
    outer.resolve(9) // ignored: already following `inner`
    expect(outer.future.state).toBe('pending')
    inner.resolve(3)
    expect(outer.future.get()).toBe(3)
  })
})
