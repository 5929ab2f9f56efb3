import { describe, expectTypeOf, it } from 'vitest'
import { type MatchResult, type Params, type ParamsOf, type Route, Router } from '../src/index.ts'

describe('ParamsOf', () => {
  it('types {name} as string and {name:int} / {name:float} as number', () => {
    expectTypeOf<ParamsOf<'/users/{id:int}/posts/{slug}'>>().toEqualTypeOf<{
      readonly id: number
      readonly slug: string
    }>()
    expectTypeOf<ParamsOf<'/m/{x:float}/{u:uuid}'>>().toEqualTypeOf<{ readonly x: number; readonly u: string }>()
  })

  it('types {name:bigint} as bigint', () => {
    expectTypeOf<ParamsOf<'/items/{id:bigint}'>>().toEqualTypeOf<{ readonly id: bigint }>()
    expectTypeOf<ParamsOf<'/r/{a:bigint}-{b:int}'>>().toEqualTypeOf<{ readonly a: bigint; readonly b: number }>()
  })

  it('types every param of a segment with static text between them', () => {
    expectTypeOf<ParamsOf<'/files/{name}.{ext}'>>().toEqualTypeOf<{ readonly name: string; readonly ext: string }>()
    expectTypeOf<ParamsOf<'/at/{h:int}-{m:int}'>>().toEqualTypeOf<{ readonly h: number; readonly m: number }>()
  })

  it('types catch-alls as strings, a bare * under the key "*"', () => {
    expectTypeOf<ParamsOf<'/static/{rest:path}'>>().toEqualTypeOf<{ readonly rest: string }>()
    expectTypeOf<ParamsOf<'/assets/*file'>>().toEqualTypeOf<{ readonly file: string }>()
    expectTypeOf<ParamsOf<'/static/*'>>().toEqualTypeOf<{ readonly '*': string }>()
  })

  it('gives a static pattern no params', () => {
    expectTypeOf<ParamsOf<'/health'>>().toEqualTypeOf<{}>()
  })
})

describe('Router', () => {
  it('returns a route typed by its payload and its pattern', () => {
    const router = new Router<() => string>()
    const route = router.add('GET', '/users/{id:int}', () => 'x')
    expectTypeOf(route).toEqualTypeOf<Route<() => string, { readonly id: number }>>()
    expectTypeOf(route.paramNames).toEqualTypeOf<readonly 'id'[]>()
  })

  it('narrows the match result on its status', () => {
    const m = new Router<number>().match('GET', '/')
    expectTypeOf(m).toEqualTypeOf<MatchResult<number>>()
    if (m.status === 200) {
      expectTypeOf(m.route.payload).toEqualTypeOf<number>()
      expectTypeOf(m.params).toEqualTypeOf<Params>()
    }
    if (m.status === 405) expectTypeOf(m.allow).toEqualTypeOf<string>()
    if (m.status === 404) expectTypeOf(m.redirect).toEqualTypeOf<string | null>()
  })
})
