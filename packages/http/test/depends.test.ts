import { afterEach, describe, expect, it } from 'vitest'
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
