import { afterEach, describe, expect, it } from 'vitest'
import { APIRouter, App, HTTPException, Response } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

describe.each(transports)('middleware and lifecycle (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('runs middleware in order around the handler and lets it edit the response', async () => {
    const order: string[] = []
    const app = new App()
    app.use(async (ctx, next) => {
      order.push('outer in')
      await next()
      order.push('outer out')
      ctx.response!.headers['x-took'] = 'fast'
    })
    app.use(async (_ctx, next) => {
      order.push('inner in')
      await next()
      order.push('inner out')
    })
    app.get('/', () => {
      order.push('handler')
      return 'hi'
    })
    client = await open(app)
    const r = await client.request({ path: '/' })
    expect(r.headers['x-took']).toBe('fast')
    expect(order).toEqual(['outer in', 'inner in', 'handler', 'inner out', 'outer out'])
  })

  it('refuses a second next() with a coded error instead of running the route twice', async () => {
    let runs = 0
    const errors: unknown[] = []
    const app = new App({ logger: { error: (details) => errors.push((details as { err: unknown }).err) } })
    app.use(async (_ctx, next) => {
      await next()
      await next()
    })
    app.post('/orders', () => {
      runs++
      return 'placed'
    })
    client = await open(app)
    const r = await client.request({ method: 'POST', path: '/orders' })
    expect(runs).toBe(1)
    expect(r.status).toBe(500)
    expect(errors).toEqual([expect.objectContaining({ code: 'HTTP_NEXT_CALLED_TWICE' })])
  })

  it('lets a middleware answer early without calling next', async () => {
    let reached = false
    const app = new App()
    app.use((ctx, next) => {
      if (ctx.headers['x-blocked']) return Response.json({ detail: 'blocked' }, { status: 403 })
      return next()
    })
    app.use((_ctx, next) => next())
    app.get('/', () => {
      reached = true
      return 'open'
    })
    client = await open(app)
    expect((await client.request({ path: '/', headers: { 'x-blocked': '1' } })).status).toBe(403)
    expect(reached).toBe(false)
    expect((await client.request({ path: '/' })).json()).toBe('open')
  })

  it('shows errors from the handler to middleware, which may turn them into answers', async () => {
    const app = new App()
    app.use(async (ctx, next) => {
      try {
        await next()
      } catch (error) {
        if (error instanceof HTTPException && error.status === 404) {
          ctx.response = Response.json({ detail: 'nothing here, try /' }, { status: 404 })
          return
        }
        throw error
      }
    })
    app.get('/', () => 'root')
    client = await open(app)
    expect((await client.request({ path: '/missing' })).json()).toEqual({ detail: 'nothing here, try /' })
  })

  it('runs the middleware of a router on its routes only, under the prefix it is included with, seeing the route and params', async () => {
    const seen: string[] = []
    const items = new APIRouter({ prefix: '/items' })
    items.use(async (ctx, next) => {
      seen.push(`${ctx.route?.path} ${JSON.stringify(ctx.params)}`)
      await next()
      ctx.response!.headers['x-items'] = '1'
    })
    items.get('/{id:int}', ({ params }) => params.id)
    const app = new App()
    app.include(items, { prefix: '/v1' })
    app.get('/health', () => 'ok')
    client = await open(app)
    const item = await client.request({ path: '/v1/items/7' })
    expect(item.json()).toBe(7)
    expect(item.headers['x-items']).toBe('1')
    const health = await client.request({ path: '/health' })
    expect(health.headers['x-items']).toBeUndefined()
    expect(seen).toEqual(['/v1/items/{id:int} {"id":7}'])
  })

  it('runs app middleware, added before or after the routes, around 404, 405 and slash redirects too', async () => {
    const app = new App()
    app.get('/items', () => [])
    app.use(async (ctx, next) => {
      try {
        await next()
      } finally {
        if (ctx.response !== undefined) ctx.response.headers['x-route'] = ctx.route?.path ?? 'none'
      }
    })
    app.exceptionHandler(HTTPException, (ctx, error) => {
      const r = Response.json({ detail: error.detail }, { status: error.status, headers: { ...error.headers } })
      r.headers['x-route'] = ctx.route?.path ?? 'none'
      return r
    })
    client = await open(app)
    const found = await client.request({ path: '/items' })
    expect([found.status, found.headers['x-route']]).toEqual([200, '/items'])
    const redirect = await client.request({ path: '/items/' })
    expect([redirect.status, redirect.headers['x-route']]).toEqual([307, 'none'])
    const notAllowed = await client.request({ method: 'DELETE', path: '/items' })
    expect([notAllowed.status, notAllowed.headers.allow, notAllowed.headers['x-route']]).toEqual([
      405,
      'GET, HEAD',
      'none',
    ])
    expect((await client.request({ path: '/nothing' })).status).toBe(404)
  })

  it('runs startup hooks and lifespan setup before the first request and teardown on shutdown', async () => {
    const events: string[] = []
    const app = new App()
    app.onEvent('startup', () => void events.push('startup'))
    app.onEvent('shutdown', () => void events.push('shutdown'))
    app.lifespan(async function* () {
      events.push('lifespan up')
      yield
      events.push('lifespan down')
    })
    app.get('/', () => events.slice())
    client = await open(app)
    expect((await client.request({ path: '/' })).json()).toEqual(['startup', 'lifespan up'])
    await client.close()
    expect(events).toEqual(['startup', 'lifespan up', 'lifespan down', 'shutdown'])
  })
})

describe('a startup that fails', () => {
  it('is not cached: shutdown() resolves, what had started is torn down, and the next startup() tries again', async () => {
    const events: string[] = []
    let attempts = 0
    const app = new App()
    app.lifespan(async function* () {
      events.push('db up')
      yield
      events.push('db down')
    })
    app.lifespan(async function* () {
      if (++attempts === 1) throw new Error('cache unreachable')
      events.push('cache up')
      yield
      events.push('cache down')
    })
    app.get('/', () => 'ok')
    await expect(app.startup()).rejects.toThrow('cache unreachable')
    await expect(app.shutdown()).resolves.toBeUndefined()
    expect(events).toEqual(['db up', 'db down'])
    const r = await app.inject('/')
    expect(r.status).toBe(200)
    await app.shutdown()
    expect(events).toEqual(['db up', 'db down', 'db up', 'cache up', 'cache down', 'db down'])
  })
})
