import { compileErrors, validate } from '@readme/openapi-parser'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { APIRouter, App, Depends, HTTPException, listen, type RunningServer } from '../src/index.ts'
import {
  APIKeyCookie,
  APIKeyHeader,
  APIKeyQuery,
  HTTPBasic,
  HTTPBearer,
  OAuth2PasswordBearer,
  Security,
  securityScopes,
} from '../src/security.ts'

const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`

describe('HTTPBearer', () => {
  const app = new App()
  app.get('/me', { deps: { auth: HTTPBearer() } }, ({ deps }) => deps.auth)
  app.get('/maybe', { deps: { auth: HTTPBearer({ autoError: false }) } }, ({ deps }) => deps.auth ?? 'anonymous')

  it('gives the scheme and credentials of an Authorization: Bearer header', async () => {
    const r = await app.inject({ url: '/me', headers: { authorization: 'bearer abc.def' } })
    expect(r.status).toBe(200)
    expect(r.json()).toEqual({ scheme: 'bearer', credentials: 'abc.def' })
  })

  it.each([
    ['no header', undefined],
    ['another scheme', basic('a:b')],
    ['no credentials', 'Bearer '],
  ])('answers 401 with WWW-Authenticate: Bearer for %s', async (_, authorization) => {
    const r = await app.inject({ url: '/me', headers: authorization === undefined ? {} : { authorization } })
    expect(r.status).toBe(401)
    expect(r.headers['www-authenticate']).toBe('Bearer')
    expect(r.json()).toEqual({ detail: 'Not authenticated' })
  })

  it('gives undefined instead with autoError: false', async () => {
    expect((await app.inject('/maybe')).json()).toBe('anonymous')
  })
})

describe('HTTPBasic', () => {
  const app = new App()
  app.get('/admin', { deps: { who: HTTPBasic({ realm: 'admin area' }) } }, ({ deps }) => deps.who)

  it('gives the username and password (the password may hold colons)', async () => {
    const r = await app.inject({ url: '/admin', headers: { authorization: basic('ann:s3:cret') } })
    expect(r.json()).toEqual({ username: 'ann', password: 's3:cret' })
  })

  it('challenges with the realm when credentials are missing, refuses malformed ones', async () => {
    const missing = await app.inject('/admin')
    expect(missing.status).toBe(401)
    expect(missing.headers['www-authenticate']).toBe('Basic realm="admin area"')
    for (const authorization of [basic('no-colon'), 'Basic %%%notbase64']) {
      const r = await app.inject({ url: '/admin', headers: { authorization } })
      expect(r.status).toBe(401)
      expect(r.json()).toEqual({ detail: 'Invalid authentication credentials' })
      expect(r.headers['www-authenticate']).toBe('Basic realm="admin area"')
    }
  })
})

describe('API keys', () => {
  const app = new App()
  app.get('/h', { deps: { key: APIKeyHeader({ name: 'X-API-Key' }) } }, ({ deps }) => deps.key)
  app.get('/q', { deps: { key: APIKeyQuery({ name: 'api_key' }) } }, ({ deps }) => deps.key)
  app.get('/c', { deps: { key: APIKeyCookie({ name: 'session' }) } }, ({ deps }) => deps.key)

  it('reads the key from a header, the query or a cookie', async () => {
    expect((await app.inject({ url: '/h', headers: { 'x-api-key': 'k1' } })).json()).toBe('k1')
    expect((await app.inject('/q?api_key=k2')).json()).toBe('k2')
    expect((await app.inject({ url: '/c', headers: { cookie: 'a=1; session=k3' } })).json()).toBe('k3')
  })

  it('answers 401 with WWW-Authenticate: APIKey without one', async () => {
    for (const url of ['/h', '/q?api_key=', '/c']) {
      const r = await app.inject(url)
      expect(r.status).toBe(401)
      expect(r.headers['www-authenticate']).toBe('APIKey')
    }
  })
})

// FastAPI's OAuth2 scopes example: the token names a user and the scopes granted to it
const TOKENS: Record<string, { user: string; scopes: string[] }> = {
  'tok-ann': { user: 'ann', scopes: ['notes:read', 'notes:write'] },
  'tok-bob': { user: 'bob', scopes: ['notes:read'] },
}
const oauth2 = OAuth2PasswordBearer({
  tokenUrl: '/token',
  scopes: { 'notes:read': 'Read notes', 'notes:write': 'Write notes' },
})
const currentUser = Depends(
  (input) => {
    const { scopes, scopeStr } = securityScopes(input)
    const challenge = scopes.length > 0 ? `Bearer scope="${scopeStr}"` : 'Bearer'
    const grant = TOKENS[input.deps.token]
    if (grant === undefined) throw new HTTPException(401, 'Invalid token', { 'www-authenticate': challenge })
    const missing = scopes.filter((s) => !grant.scopes.includes(s))
    if (missing.length > 0) {
      throw new HTTPException(403, 'Not enough permissions', {
        'www-authenticate': `${challenge}, error="insufficient_scope"`,
      })
    }
    return grant.user
  },
  { deps: { token: oauth2 } },
)

function notesApp() {
  const app = new App({ logger: { error() {}, warn() {} } })
  app.post(
    '/token',
    { body: z.object({ username: z.string(), password: z.string() }), bodyTypes: ['form'] },
    ({ body }) => ({ access_token: `tok-${body.username}`, token_type: 'bearer' }),
  )
  app.get('/notes', { deps: { user: Security(currentUser, ['notes:read']) } }, ({ deps }) => ({ user: deps.user }))
  app.delete(
    '/notes/{id:int}',
    { dependencies: [Security(currentUser, ['notes:write'])], status: 204 },
    () => undefined,
  )
  return app
}

describe('OAuth2PasswordBearer and Security(dep, scopes)', () => {
  it('runs the dependency with the scopes the route asks for: 200, 403 for a missing scope, 401 without a token', async () => {
    const app = notesApp()
    const bob = { authorization: 'Bearer tok-bob' }
    expect((await app.inject({ url: '/notes', headers: bob })).json()).toEqual({ user: 'bob' })
    const denied = await app.inject({ method: 'DELETE', url: '/notes/1', headers: bob })
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toBe('Bearer scope="notes:write", error="insufficient_scope"')
    const ann = await app.inject({ method: 'DELETE', url: '/notes/1', headers: { authorization: 'Bearer tok-ann' } })
    expect(ann.status).toBe(204)
    const anonymous = await app.inject({ method: 'DELETE', url: '/notes/1' })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers['www-authenticate']).toBe('Bearer')
  })

  it('documents the scheme with its flow and each operation with the scopes it requires', async () => {
    const doc = notesApp().openapi() as any
    expect(doc.components.securitySchemes).toEqual({
      OAuth2PasswordBearer: {
        type: 'oauth2',
        flows: {
          password: { tokenUrl: '/token', scopes: { 'notes:read': 'Read notes', 'notes:write': 'Write notes' } },
        },
      },
    })
    expect(doc.paths['/notes'].get.security).toEqual([{ OAuth2PasswordBearer: ['notes:read'] }])
    expect(doc.paths['/notes/{id}'].delete.security).toEqual([{ OAuth2PasswordBearer: ['notes:write'] }])
    expect(Object.keys(doc.paths['/notes/{id}'].delete.responses)).toEqual(['204', '401', '403'])
    expect(doc.paths['/token'].post.security).toBeUndefined()
    const result = await validate(structuredClone(doc))
    if (!result.valid) expect.fail(compileErrors(result))
  })
})

describe('security in the document', () => {
  it('lists schemes reached through dependencies, routers and the app, and marks optional ones', async () => {
    const key = APIKeyHeader({ name: 'x-api-key', description: 'Issued on the account page' })
    const bearer = HTTPBearer({ bearerFormat: 'JWT', autoError: false })
    const app = new App({ dependencies: [key] })
    const admin = new APIRouter({ prefix: '/admin', dependencies: [HTTPBasic()] })
    admin.get('/stats', () => ({}))
    app.include(admin)
    app.get(
      '/feed',
      { deps: { viewer: Depends(({ deps }) => deps.auth?.credentials, { deps: { auth: bearer } }) } },
      () => [],
    )
    const doc = app.openapi() as any
    expect(doc.components.securitySchemes).toEqual({
      APIKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'Issued on the account page' },
      HTTPBasic: { type: 'http', scheme: 'basic' },
      HTTPBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    })
    expect(doc.paths['/admin/stats'].get.security).toEqual([{ APIKeyHeader: [], HTTPBasic: [] }])
    expect(doc.paths['/feed'].get.security).toEqual([{ APIKeyHeader: [], HTTPBearer: [] }])
    const optional = new App()
    optional.get('/feed', { deps: { auth: bearer } }, () => [])
    expect((optional.openapi() as any).paths['/feed'].get.security).toEqual([{ HTTPBearer: [] }, {}])
  })
})

describe('over a real socket', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('sends the 401 challenge and serves the authorized request', async () => {
    const app = new App()
    app.get('/me', { deps: { auth: HTTPBearer() } }, ({ deps }) => ({ token: deps.auth.credentials }))
    server = await listen(app, { port: 0 })
    const anonymous = await fetch(`${server.url}/me`)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    const authorized = await fetch(`${server.url}/me`, { headers: { authorization: 'Bearer t0k' } })
    expect(await authorized.json()).toEqual({ token: 't0k' })
  })
})
