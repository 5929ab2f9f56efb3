// The request pipeline in-process (no socket): a route whose steps are all synchronous completes inside
// handle() on ready futures; the same route with an async handler pays the Promise/microtask cost.
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { z } from 'zod'
import { App, Depends, type Exchange } from '../src/index.ts'

const Query = z.object({ q: z.string(), limit: z.coerce.number().int().default(10) })
const user = Depends(() => ({ id: 1 }))
const app = new App()
app.get('/sync/{id:int}', { query: Query, deps: { user } }, ({ params, query, deps }) => ({
  id: params.id,
  query,
  user: deps.user,
}))
app.get('/async/{id:int}', { query: Query, deps: { user } }, async ({ params, query, deps }) => ({
  id: params.id,
  query,
  user: deps.user,
}))

function exchange(url: string, done: (body: unknown) => void): Exchange {
  return {
    method: 'GET',
    url,
    headers: {},
    remoteAddress: undefined,
    headersSent: false,
    readBody: () => {
      throw new Error('no body')
    },
    bodyStream: () => {
      throw new Error('no body')
    },
    send: (_s, _h, body) => done(body),
    pipe: () => {},
    onAbort: () => {},
    onDone: () => {},
  }
}

summary(() => {
  group('GET /x/{id:int}?q=…: params, validated query, one dependency, JSON out', () => {
    bench('sync handler (ready futures, no microtask)', () => {
      let out: unknown
      app.handle(exchange('/sync/42?q=pens&limit=5', (b) => (out = b)))
      do_not_optimize(out)
    })
    bench('async handler (Promise)', async () => {
      const body = await new Promise((resolve) => app.handle(exchange('/async/42?q=pens&limit=5', resolve)))
      do_not_optimize(body)
    })
  })
})

await run()
