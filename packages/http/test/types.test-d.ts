import type { IncomingHttpHeaders } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { App, Depends } from '../src/index.ts'

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
