import { describe, expectTypeOf, it } from 'vitest'
import { Future, mapAsync, Pipeline, retry, timeout, whenAll, whenAny } from '../src/index.ts'

describe('types', () => {
  it('types whenAll as a tuple of awaited values', () => {
    const r = whenAll([Future.ready(1), Promise.resolve('a'), true])
    expectTypeOf(r).toEqualTypeOf<Future<[number, string, boolean]>>()
  })

  it('types then() chains and await like promises', () => {
    expectTypeOf(Future.ready(1).then((x) => `${x}`)).toEqualTypeOf<Future<string>>()
    expectTypeOf(Future.ready(1).then((x) => Promise.resolve(x > 0))).toEqualTypeOf<Future<boolean>>()
    expectTypeOf(Future.ready(1).catch(() => 'fallback')).toEqualTypeOf<Future<number | string>>()
    expectTypeOf<Awaited<Future<number>>>().toEqualTypeOf<number>()
  })

  it('unwraps thenables in combinators', () => {
    expectTypeOf(whenAny([Promise.resolve(1), Future.ready(2)])).toEqualTypeOf<Future<number>>()
    expectTypeOf(mapAsync([1], async (x) => `${x}`)).toEqualTypeOf<Future<string[]>>()
    expectTypeOf(retry(async () => 1)).toEqualTypeOf<Future<number>>()
    expectTypeOf(timeout(Promise.resolve('x'), 5)).toEqualTypeOf<Future<string>>()
  })

  it('threads item types through pipeline stages', () => {
    const p = Pipeline.of<string>()
      .pipe(async (s) => s.length)
      .filter((n) => n > 1)
    expectTypeOf(p.collect(['a'])).toEqualTypeOf<Future<number[]>>()
  })
})
