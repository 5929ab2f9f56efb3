import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dependencyParameters } from '../src/depends.ts'
import { APIRouter, App, Depends, HTTPException, RouteDefinitionError } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

describe.each(transports)('dependencies (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('resolves sub-dependencies and runs a dependency used twice once per request', async () => {
    let dbOpened = 0
    const getDb = Depends(() => ({ id: ++dbOpened }))
    const users = Depends(({ deps }) => `users@db${deps.db.id}`, { deps: { db: getDb } })
    const orders = Depends(async ({ deps }) => `orders@db${deps.db.id}`, { deps: { db: getDb } })
    const app = new App()
    app.get('/report', { deps: { users, orders, db: getDb } }, ({ deps }) => deps)
    client = await open(app)
    expect((await client.request({ path: '/report' })).json()).toEqual({
      users: 'users@db1',
      orders: 'orders@db1',
      db: { id: 1 },
    })
    await client.request({ path: '/report' })
    expect(dbOpened).toBe(2)
  })

  it('gives dependencies the request, with validated params', async () => {
    const owner = Depends(({ request }) => `${request.method} ${String(request.params.id)}:${typeof request.params.id}`)
    const app = new App()
    app.get('/things/{id:int}', { deps: { owner } }, ({ deps }) => deps.owner)
    client = await open(app)
    expect((await client.request({ path: '/things/9' })).json()).toBe('GET 9:number')
  })

  it('runs generator cleanup after the response is sent, and throws the request error into it', async () => {
    const events: string[] = []
    const session = Depends(async function* () {
      events.push('open')
      try {
        yield 'session'
        events.push('commit')
      } catch (error) {
        events.push(`rollback: ${(error as Error).message}`)
        throw error
      } finally {
        events.push('close')
      }
    })
    const app = new App({ logger: { error: () => {} } })
    app.get('/ok', { deps: { session } }, ({ deps }) => {
      events.push(`handler with ${deps.session}`)
      return 'done'
    })
    app.get('/fail', { deps: { session } }, () => {
      throw new HTTPException(409, 'conflict')
    })
    client = await open(app)
    const ok = await client.request({ path: '/ok' })
    expect(ok.json()).toBe('done')
    await (ok.finished ?? waitFor(() => events.includes('close')))
    expect(events).toEqual(['open', 'handler with session', 'commit', 'close'])
    events.length = 0
    const failed = await client.request({ path: '/fail' })
    expect(failed.status).toBe(409)
    await (failed.finished ?? waitFor(() => events.includes('close')))
    expect(events).toEqual(['open', 'rollback: conflict', 'close'])
  })

  it('lets tests override a dependency', async () => {
    const getDb = Depends(() => 'real database')
    const app = new App()
    app.get('/db', { deps: { db: getDb } }, ({ deps }) => deps.db)
    app.dependencyOverrides.set(
      getDb,
      Depends(() => 'fake database'),
    )
    client = await open(app)
    expect((await client.request({ path: '/db' })).json()).toBe('fake database')
  })

  it('runs app, router and route dependencies for their effect, and stops at the first that refuses', async () => {
    const calls: string[] = []
    const track = (name: string) => Depends(() => void calls.push(name))
    const requireToken = Depends(({ request }) => {
      calls.push('auth')
      if (request.headers.authorization !== 'Bearer ok') throw new HTTPException(401, 'Not authenticated')
    })
    const app = new App({ dependencies: [track('app')] })
    const admin = new APIRouter({ prefix: '/admin', tags: ['admin'], dependencies: [requireToken] })
    admin.get('/stats', { dependencies: [track('route')] }, () => 'stats')
    app.include(admin)
    client = await open(app)
    expect((await client.request({ path: '/admin/stats' })).status).toBe(401)
    expect(calls).toEqual(['app', 'auth'])
    calls.length = 0
    const ok = await client.request({ path: '/admin/stats', headers: { authorization: 'Bearer ok' } })
    expect(ok.json()).toBe('stats')
    expect(calls).toEqual(['app', 'auth', 'route'])
  })
})

describe.each(transports)('dependency exits by scope (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  function transaction(scope: 'request' | 'function', events: string[], commit: () => void = () => {}) {
    return Depends(
      async function* tx() {
        events.push('begin')
        try {
          yield 'tx'
        } catch (error) {
          events.push(`rollback: ${(error as Error).message}`)
          throw error
        }
        commit()
        events.push('commit')
      },
      { scope },
    )
  }

  // a middleware runs after the route and before the write: it stamps what had happened by then
  function stamped(events: string[]) {
    const app = new App({ logger: { error: () => {} } })
    app.use(async (ctx, next) => {
      await next()
      ctx.response!.headers['x-seen'] = events.join(',')
    })
    return app
  }

  it('runs a function-scoped exit after the handler and before the response is written; a request-scoped one after it', async () => {
    const events: string[] = []
    const app = stamped(events)
    app.get('/function', { deps: { tx: transaction('function', events) } }, () => void events.push('handler'))
    app.get('/request', { deps: { tx: transaction('request', events) } }, () => void events.push('handler'))
    client = await open(app)
    const fn = await client.request({ path: '/function' })
    expect([fn.status, fn.headers['x-seen']]).toEqual([200, 'begin,handler,commit'])
    events.length = 0
    const req = await client.request({ path: '/request' })
    expect([req.status, req.headers['x-seen']]).toEqual([200, 'begin,handler'])
    await (req.finished ?? waitFor(() => events.includes('commit')))
    expect(events).toEqual(['begin', 'handler', 'commit'])
  })

  it('answers with the error of a failing function-scoped exit, never the 2xx', async () => {
    const events: string[] = []
    const app = stamped(events)
    const conflict = transaction('function', events, () => {
      throw new HTTPException(409, 'could not serialize access')
    })
    const broken = Depends(
      function* brokenCommit() {
        yield
        throw new Error('connection lost during COMMIT')
      },
      { scope: 'function' },
    )
    app.post('/orders', { status: 201, deps: { tx: conflict } }, () => void events.push('handler'))
    app.post('/payments', { status: 201, deps: { tx: broken } }, () => 'paid')
    client = await open(app)
    const r = await client.request({ method: 'POST', path: '/orders' })
    expect([r.status, r.json()]).toEqual([409, { detail: 'could not serialize access' }])
    expect(events).toEqual(['begin', 'handler'])
    const p = await client.request({ method: 'POST', path: '/payments' })
    expect([p.status, p.json()]).toEqual([500, { detail: 'Internal Server Error' }])
  })

  it('throws the error of the handler (or of a later dependency) into a function-scoped generator before answering', async () => {
    const events: string[] = []
    const app = stamped(events)
    const refuse = Depends(() => {
      throw new HTTPException(403, 'forbidden')
    })
    app.post('/fail', { deps: { tx: transaction('function', events) } }, () => {
      throw new HTTPException(400, 'bad order')
    })
    app.post('/refused', { deps: { tx: transaction('function', events), refuse } }, () => 'unreachable')
    client = await open(app)
    const r = await client.request({ method: 'POST', path: '/fail' })
    expect(r.status).toBe(400)
    expect(events).toEqual(['begin', 'rollback: bad order'])
    events.length = 0
    expect((await client.request({ method: 'POST', path: '/refused' })).status).toBe(403)
    expect(events).toEqual(['begin', 'rollback: forbidden'])
  })
})

describe.each(transports)('dependencies with parameters (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  const session = Depends(
    ({ headers, query, cookies }) => ({
      token: headers['x-token'],
      page: query.page,
      tags: query.tag,
      id: cookies.sid,
    }),
    {
      headers: z.object({ 'x-token': z.string().min(3) }),
      query: z.object({ page: z.coerce.number().int().default(1), tag: z.array(z.string()).default([]) }),
      cookies: z.object({ sid: z.string() }),
    },
  )

  it('validates its own headers, query and cookies and hands it the validated values', async () => {
    const app = new App()
    app.get('/me', { deps: { session } }, ({ deps }) => deps.session)
    client = await open(app)
    const r = await client.request({ path: '/me?page=2&tag=a', headers: { 'x-token': 'abc', cookie: 'sid=s1' } })
    expect(r.json()).toEqual({ token: 'abc', page: 2, tags: ['a'], id: 's1' })
  })

  it('answers 422 with each issue at its loc, through a sub-dependency and a router', async () => {
    const user = Depends(({ deps }) => deps.session.id, { deps: { session } })
    const admin = new APIRouter({ prefix: '/admin', dependencies: [user] })
    admin.get('/stats', () => 'stats')
    const app = new App()
    app.include(admin)
    client = await open(app)
    const r = await client.request({ path: '/admin/stats?page=x', headers: { 'x-token': 'ab' } })
    expect(r.status).toBe(422)
    expect(r.json().detail.map((i: { loc: unknown[] }) => i.loc)).toEqual([
      ['header', 'x-token'],
      ['query', 'page'],
      ['cookie', 'sid'],
    ])
    expect(r.json().detail[0].input).toBe('ab')
  })
})

describe('dependencyParameters (for the OpenAPI document)', () => {
  it('lists the parameter schemas of every dependency a route uses, directly, through sub-dependencies, routers and the app', () => {
    const apiKey = z.object({ 'x-api-key': z.string() })
    const paging = z.object({ page: z.number() })
    const key = Depends(() => 1, { headers: apiKey })
    const page = Depends(() => 1, { query: paging, deps: { key } })
    const audit = Depends(() => 1, { cookies: z.object({ trace: z.string() }) })
    const found = dependencyParameters({ deps: { page }, dependencies: [key] }, [audit])
    expect(found.map((p) => [p.in, p.dependency])).toEqual([
      ['cookie', audit],
      ['header', key],
      ['query', page],
    ])
    expect(found[1]!.schema).toBe(apiKey)
  })
})

describe('dependency graph checks at registration', () => {
  it('refuses a dependency cycle with the names on the cycle', () => {
    const deps: Record<string, ReturnType<typeof Depends>> = {}
    const a = Depends(function loadA() {}, { deps })
    const b = Depends(function loadB() {}, { deps: { a } })
    deps.b = b
    const app = new App()
    expect(() => app.get('/x', { deps: { a } }, () => 1)).toThrow(RouteDefinitionError)
    expect(() => app.get('/y', { deps: { a } }, () => 1)).toThrow(/loadA → loadB → loadA/)
  })

  it('refuses a schema that is not a Standard Schema', () => {
    const app = new App()
    expect(() => app.post('/x', { body: { parse: () => 1 } as never }, () => 1)).toThrow(/Standard Schema/)
  })
})

// over a socket the cleanup runs after the client has its answer, with nothing to await
async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
}
