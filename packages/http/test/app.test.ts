import { Future } from '@fasterapi/futures'
import { afterEach, describe, expect, it } from 'vitest'
import { App, HTTPException, listen, Response } from '../src/index.ts'
import { rawExchange } from './helpers/raw.ts'
import { type Client, transports } from './helpers/transports.ts'

describe.each(transports)('routing and responses (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('answers a plain returned value as JSON with status 200', async () => {
    const app = new App()
    app.get('/hello', () => ({ message: 'hi' }))
    client = await open(app)
    const r = await client.request({ path: '/hello' })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.json()).toEqual({ message: 'hi' })
    expect(Number(r.headers['content-length'])).toBe(r.body.length)
  })

  it('passes typed path params converted by the router', async () => {
    const app = new App()
    app.get('/users/{id:int}/posts/{slug}', ({ params }) => ({
      id: params.id,
      type: typeof params.id,
      slug: params.slug,
    }))
    client = await open(app)
    expect((await client.request({ path: '/users/42/posts/hello%20world' })).json()).toEqual({
      id: 42,
      type: 'number',
      slug: 'hello world',
    })
    expect((await client.request({ path: '/users/abc/posts/x' })).status).toBe(404)
  })

  it('answers an unknown path with 404 {"detail": "Not Found"}', async () => {
    const app = new App()
    app.get('/a', () => 1)
    client = await open(app)
    const r = await client.request({ path: '/nope' })
    expect(r.status).toBe(404)
    expect(r.json()).toEqual({ detail: 'Not Found' })
  })

  it('adds "did you mean" suggestions to a 404 in debug mode', async () => {
    const app = new App({ debug: true })
    app.get('/users/{id}', () => 1)
    client = await open(app)
    const r = await client.request({ path: '/user/1' })
    expect(r.status).toBe(404)
    expect(r.json().detail.suggestions).toContain('/users/{id}')
  })

  it('answers 405 with Allow when only other methods are routed', async () => {
    const app = new App()
    app.get('/items', () => [])
    app.post('/items', () => ({}))
    client = await open(app)
    const r = await client.request({ method: 'DELETE', path: '/items' })
    expect(r.status).toBe(405)
    expect(String(r.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD', 'POST'])
    expect(r.json()).toEqual({ detail: 'Method Not Allowed' })
  })

  it('serves HEAD from GET with the length and no body', async () => {
    const app = new App()
    app.get('/doc', () => ({ text: 'x'.repeat(50) }))
    client = await open(app)
    const r = await client.request({ method: 'HEAD', path: '/doc' })
    expect(r.status).toBe(200)
    expect(r.body).toBe('')
    expect(Number(r.headers['content-length'])).toBe(JSON.stringify({ text: 'x'.repeat(50) }).length)
  })

  it('redirects with 307 to the trailing-slash variant that exists, keeping the query', async () => {
    const app = new App()
    app.get('/items/', () => [])
    client = await open(app)
    const r = await client.request({ path: '/items?page=2' })
    expect(r.status).toBe(307)
    expect(r.headers.location).toBe('/items/?page=2')
  })

  it('uses the route status for plain values and sends no body for 204', async () => {
    const app = new App()
    app.post('/items', { status: 201 }, () => ({ id: 1 }))
    app.delete('/items/{id}', { status: 204 }, () => undefined)
    client = await open(app)
    expect((await client.request({ method: 'POST', path: '/items' })).status).toBe(201)
    const gone = await client.request({ method: 'DELETE', path: '/items/1' })
    expect(gone.status).toBe(204)
    expect(gone.body).toBe('')
  })

  it('sends Response helpers with their status, type and headers', async () => {
    const app = new App()
    app.get('/text', () => Response.text('plain', { headers: { 'x-kind': 'text' } }))
    app.get('/html', () => Response.html('<p>hi</p>', { status: 202 }))
    app.get('/go', () => Response.redirect('/text', 303))
    app.get('/bytes', () => Response.bytes(new Uint8Array([1, 2, 3])))
    app.get('/stream', () => Response.stream(['a', 'b', 'c'], { contentType: 'text/plain' }))
    app.get('/file', () => Response.file(new URL('../package.json', import.meta.url).pathname))
    client = await open(app)
    const text = await client.request({ path: '/text' })
    expect([text.body, text.headers['content-type'], text.headers['x-kind']]).toEqual([
      'plain',
      'text/plain; charset=utf-8',
      'text',
    ])
    const html = await client.request({ path: '/html' })
    expect([html.status, html.headers['content-type']]).toEqual([202, 'text/html; charset=utf-8'])
    const go = await client.request({ path: '/go' })
    expect([go.status, go.headers.location]).toEqual([303, '/text'])
    expect((await client.request({ path: '/bytes' })).body).toBe('\x01\x02\x03')
    expect((await client.request({ path: '/stream' })).body).toBe('abc')
    const file = await client.request({ path: '/file' })
    expect(file.json().name).toBe('@fasterapi/http')
    expect(file.headers['content-type']).toBe('application/json')
  })

  it('accepts a Future from a handler, ready or settled later', async () => {
    const app = new App()
    app.get('/ready', () => Future.ready({ now: true }))
    app.get('/later', () => {
      const { future, resolve } = Future.withResolvers<{ later: boolean }>()
      setTimeout(() => resolve({ later: true }), 1)
      return future
    })
    app.get('/failed', () => Future.failed(new HTTPException(409, 'taken')))
    client = await open(app)
    expect((await client.request({ path: '/ready' })).json()).toEqual({ now: true })
    expect((await client.request({ path: '/later' })).json()).toEqual({ later: true })
    expect((await client.request({ path: '/failed' })).status).toBe(409)
  })

  it('answers HTTPException with its status, detail and headers', async () => {
    const app = new App()
    app.get('/secret', () => {
      throw new HTTPException(401, 'Not authenticated', { 'www-authenticate': 'Bearer' })
    })
    client = await open(app)
    const r = await client.request({ path: '/secret' })
    expect(r.status).toBe(401)
    expect(r.json()).toEqual({ detail: 'Not authenticated' })
    expect(r.headers['www-authenticate']).toBe('Bearer')
  })

  it('answers an unexpected error with a bare 500 and logs it with the request id', async () => {
    const logged: object[] = []
    const app = new App({ logger: { error: (details) => logged.push(details) } })
    app.get('/boom', async () => {
      throw new Error('database password is hunter2')
    })
    client = await open(app)
    const r = await client.request({ path: '/boom', headers: { 'x-request-id': 'abc-123' } })
    expect(r.status).toBe(500)
    expect(r.json()).toEqual({ detail: 'Internal Server Error' })
    expect(r.body).not.toContain('hunter2')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ requestId: 'abc-123', path: '/boom' })
  })

  it('switches every error body to RFC 9457 problem+json when asked', async () => {
    const app = new App({ errorFormat: 'problem' })
    app.get('/teapot', () => {
      throw new HTTPException(418, 'short and stout')
    })
    client = await open(app)
    const r = await client.request({ path: '/teapot' })
    expect(r.headers['content-type']).toBe('application/problem+json')
    expect(r.json()).toEqual({ type: 'about:blank', title: 'HTTP 418', status: 418, detail: 'short and stout' })
  })

  it('runs custom exception handlers for an error class and its subclasses', async () => {
    class DomainError extends Error {}
    class NotEnoughStock extends DomainError {}
    const app = new App()
    app.exceptionHandler(DomainError, (_ctx, error) =>
      Response.json({ problem: error.constructor.name }, { status: 409 }),
    )
    app.get('/buy', () => {
      throw new NotEnoughStock('none left')
    })
    client = await open(app)
    const r = await client.request({ path: '/buy' })
    expect(r.status).toBe(409)
    expect(r.json()).toEqual({ problem: 'NotEnoughStock' })
  })

  it('refuses a header value with CR/LF instead of sending it', async () => {
    const app = new App({ logger: { error: () => {} } })
    app.get('/inject', () => Response.text('x', { headers: { 'x-evil': 'a\r\nset-cookie: pwned=1' } }))
    app.get('/ok', () => 'fine')
    client = await open(app)
    const r = await client.request({ path: '/inject' })
    expect(r.status).toBe(500)
    expect(r.headers['set-cookie']).toBeUndefined()
    expect((await client.request({ path: '/ok' })).status).toBe(200)
  })
})

describe('the synchronous pipeline', () => {
  it('writes the response of a route with no async step before handle() returns', () => {
    const app = new App()
    app.get('/sync', () => ({ ok: true }))
    let sent: string | undefined
    app.handle({
      method: 'GET',
      url: '/sync',
      headers: {},
      remoteAddress: undefined,
      headersSent: false,
      readBody: () => {
        throw new Error('not read')
      },
      bodyStream: () => {
        throw new Error('not read')
      },
      send: (_status, _headers, body) => {
        sent = String(body)
      },
      pipe: () => {},
      onAbort: () => {},
      onDone: () => {},
    })
    expect(sent).toBe('{"ok":true}')
  })
})

describe('absolute-form request targets (RFC 9112 §3.2.2)', () => {
  it('routes GET http://host/path?query like its origin form, over a socket and in-process', async () => {
    const app = new App()
    app.get('/health', ({ query }) => ({ ok: true, query }))
    app.get('/', () => 'root')
    const server = await listen(app, { port: 0 })
    try {
      const raw = await rawExchange(
        server.port,
        'GET http://example.com/health?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
      )
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(raw.endsWith('{"ok":true,"query":{"x":"1"}}')).toBe(true)
      const root = await rawExchange(
        server.port,
        'GET http://example.com HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
      )
      expect(root.endsWith('"root"')).toBe(true)
    } finally {
      await server.close()
    }
    expect((await app.inject('https://example.com:8443/health')).json()).toEqual({ ok: true, query: {} })
  })
})
