import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Depends, type Exchange } from '../src/index.ts'

// an exchange that records what is sent, with no socket and no body
function exchange(url: string, sent: unknown[]): Exchange {
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
    send: (status, _headers, body) => void sent.push(status, String(body)),
    pipe: () => {},
    onAbort: () => {},
    onDone: () => {},
  }
}

describe('the route pipeline', () => {
  it('answers a route whose stages are all synchronous inside handle(), middleware included: no microtask', () => {
    const user = Depends(() => ({ id: 1 }))
    const app = new App()
    app.use((ctx, next) => {
      const done = next()
      ctx.response!.headers['x-mw'] = '1'
      return done
    })
    app.get('/items/{id:int}', { query: z.object({ q: z.string() }), deps: { user } }, ({ params, query, deps }) => ({
      id: params.id,
      q: query.q,
      user: deps.user.id,
    }))
    const sent: unknown[] = []
    app.handle(exchange('/items/7?q=pens', sent))
    expect(sent).toEqual([200, '{"id":7,"q":"pens","user":1}'])
    app.handle(exchange('/items/x', sent))
    expect(sent.slice(2)).toEqual([404, '{"detail":"Not Found"}'])
  })

  it('waits only where a stage is pending, then resumes at the next stage', async () => {
    const slow = Depends(async () => 'later')
    const app = new App()
    app.get('/slow', { deps: { slow } }, ({ deps }) => deps.slow)
    const sent: unknown[] = []
    app.handle(exchange('/slow', sent))
    expect(sent).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(sent).toEqual([200, '"later"'])
  })
})
