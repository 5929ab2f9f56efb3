import type { IncomingHttpHeaders } from 'node:http'
import type { Executor, Task } from '@fasterapi/executor'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { App, Depends, type OffloadInput, offload, Response } from '../src/index.ts'

describe('handler types', () => {
  it('types params from the pattern, and body and query from their schemas', () => {
    const app = new App()
    app.post(
      '/shops/{shop}/items/{id:int}',
      { body: z.object({ name: z.string(), price: z.number() }), query: z.object({ dry: z.coerce.boolean() }) },
      ({ params, body, query, headers }) => {
        expectTypeOf(params).toEqualTypeOf<{ readonly shop: string; readonly id: number }>()
        expectTypeOf(body).toEqualTypeOf<{ name: string; price: number }>()
        expectTypeOf(query).toEqualTypeOf<{ dry: boolean }>()
        expectTypeOf(headers).toEqualTypeOf<IncomingHttpHeaders>()
      },
    )
  })

  it('types deps from what each dependency returns or yields', () => {
    const db = Depends(async () => ({ query: (sql: string) => sql.length }))
    const session = Depends(async function* () {
      yield { user: 'ada' }
    })
    const app = new App()
    app.get('/x', { deps: { db, session } }, ({ deps, body }) => {
      expectTypeOf(deps.db.query).toEqualTypeOf<(sql: string) => number>()
      expectTypeOf(deps.session).toEqualTypeOf<{ user: string }>()
      expectTypeOf(body).toEqualTypeOf<undefined>()
    })
  })
})

describe('handler results against the response schema', () => {
  const Item = z.object({ id: z.number(), name: z.string() })

  it('accepts what the schema accepts (extra fields are filtered at run time), a Response, or a promise of either', () => {
    const app = new App()
    app.get('/a', { response: Item }, () => ({ id: 1, name: 'pen', secret: 'filtered' }))
    app.get('/b', { response: Item }, async () => ({ id: 1, name: 'pen' }))
    app.get('/c', { response: Item }, () => Response.json({ anything: true }))
    app.get('/d', () => 'no schema, anything goes')
  })

  it('refuses a value the schema would refuse', () => {
    const app = new App()
    // @ts-expect-error id must be a number
    app.get('/a', { response: Item }, () => ({ id: '1', name: 'pen' }))
    // @ts-expect-error name is missing
    app.get('/b', { response: Item }, async () => ({ id: 1 }))
    // @ts-expect-error an array is not an Item
    app.get('/c', { response: Item }, () => [{ id: 1, name: 'pen' }])
  })
})

describe('offloaded handlers', () => {
  const executor = {} as Executor
  const task = {} as Task<OffloadInput<{ n: number }, unknown, { size: number }>, { total: number }>

  it('compile when the route validates what the task takes', () => {
    const app = new App()
    app.post('/jobs/{n:int}', { body: z.object({ size: z.number() }) }, offload(executor, task))
    app.post(
      '/totals/{n:int}',
      { body: z.object({ size: z.number() }), response: z.object({ total: z.number() }) },
      offload(executor, task),
    )
  })

  it('do not compile when the body, the params or the result do not fit the task', () => {
    const app = new App()
    // @ts-expect-error no body schema: the body is undefined, the task needs { size: number }
    app.post('/jobs/{n:int}', {}, offload(executor, task))
    // @ts-expect-error size is a string here
    app.post('/jobs/{n:int}', { body: z.object({ size: z.string() }) }, offload(executor, task))
    // @ts-expect-error the path has no n
    app.post('/jobs/{id:int}', { body: z.object({ size: z.number() }) }, offload(executor, task))
    app.post(
      '/c/{n:int}',
      { body: z.object({ size: z.number() }), response: z.object({ count: z.number() }) },
      // @ts-expect-error the task answers { total: number }, the response schema wants { count }
      offload(executor, task),
    )
  })
})

describe('dependency parameters', () => {
  it('types the headers, query and cookies a dependency declares from its schemas', () => {
    Depends(
      ({ headers, query, cookies, request }) => {
        expectTypeOf(headers).toEqualTypeOf<{ 'x-token': string }>()
        expectTypeOf(query).toEqualTypeOf<{ tag: string[] }>()
        expectTypeOf(cookies).toEqualTypeOf<{ sid: string }>()
        expectTypeOf(request.headers).toEqualTypeOf<IncomingHttpHeaders>()
      },
      {
        headers: z.object({ 'x-token': z.string() }),
        query: z.object({ tag: z.array(z.string()) }),
        cookies: z.object({ sid: z.string() }),
      },
    )
    Depends((input) => {
      // @ts-expect-error without a headers schema there is no validated `headers`: read request.headers
      input.headers
    })
  })
})
