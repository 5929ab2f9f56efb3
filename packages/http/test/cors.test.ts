import { afterEach, describe, expect, it } from 'vitest'
import { App, CorsOptionsError, cors, HTTPException, Response } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

const SITE = 'https://app.example.com'
const OTHER = 'https://evil.example.net'

function api(options: Parameters<typeof cors>[0]): App {
  const app = new App()
  app.use(cors(options))
  app.get('/items', () => Response.json([1, 2]).setCookie('seen', '1'))
  app.post('/items', () => ({ created: true }))
  app.get('/fail', () => {
    throw new HTTPException(409, 'conflict')
  })
  return app
}

describe.each(transports)('cors (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('allows any origin with * by default, without Vary', async () => {
    client = await open(api({}))
    const r = await client.request({ path: '/items', headers: { origin: OTHER } })
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-origin']).toBe('*')
    expect(r.headers.vary).toBeUndefined()
    expect(r.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('reflects a listed origin with credentials and exposed headers, and says Vary: Origin', async () => {
    client = await open(
      api({ origin: [SITE, 'https://b.example.com'], credentials: true, exposedHeaders: ['x-total'] }),
    )
    const r = await client.request({ path: '/items', headers: { origin: SITE } })
    expect(r.headers['access-control-allow-origin']).toBe(SITE)
    expect(r.headers['access-control-allow-credentials']).toBe('true')
    expect(r.headers['access-control-expose-headers']).toBe('x-total')
    expect(r.headers.vary).toBe('Origin')
  })

  it('leaves out every CORS header for an origin not allowed, still with Vary: Origin', async () => {
    client = await open(api({ origin: SITE, credentials: true }))
    const r = await client.request({ path: '/items', headers: { origin: OTHER } })
    expect(r.status).toBe(200) // the browser, not the server, withholds the answer from the page
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
    expect(r.headers['access-control-allow-credentials']).toBeUndefined()
    expect(r.headers.vary).toBe('Origin')
    const none = await client.request({ path: '/items' })
    expect(none.headers['access-control-allow-origin']).toBeUndefined()
    expect(none.headers.vary).toBe('Origin')
  })

  it('matches origins by RegExp, and by a sync or async function that may name the value to send', async () => {
    client = await open(api({ origin: /^https:\/\/([a-z]+\.)?example\.com$/ }))
    expect(
      (await client.request({ path: '/items', headers: { origin: SITE } })).headers['access-control-allow-origin'],
    ).toBe(SITE)
    expect(
      (await client.request({ path: '/items', headers: { origin: 'https://example.com.evil.net' } })).headers[
        'access-control-allow-origin'
      ],
    ).toBeUndefined()
    await client.close()
    const seen: string[] = []
    client = await open(
      api({
        origin: async (origin, ctx) => {
          seen.push(`${ctx.method} ${origin}`)
          return origin.endsWith('.example.com') ? true : origin === 'null' ? 'null' : false
        },
      }),
    )
    expect(
      (await client.request({ path: '/items', headers: { origin: SITE } })).headers['access-control-allow-origin'],
    ).toBe(SITE)
    expect(
      (await client.request({ path: '/items', headers: { origin: 'null' } })).headers['access-control-allow-origin'],
    ).toBe('null')
    expect(
      (await client.request({ path: '/items', headers: { origin: OTHER } })).headers['access-control-allow-origin'],
    ).toBe(undefined)
    expect(seen).toEqual([`GET ${SITE}`, 'GET null', `GET ${OTHER}`])
  })

  it('answers a preflight itself, also for a path whose routes have no OPTIONS (no 405)', async () => {
    client = await open(api({ origin: SITE, credentials: true, maxAge: 600 }))
    const r = await client.request({
      method: 'OPTIONS',
      path: '/items',
      headers: {
        origin: SITE,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type, x-token',
      },
    })
    expect(r.status).toBe(204)
    expect(r.body).toBe('')
    expect(r.headers['access-control-allow-origin']).toBe(SITE)
    expect(r.headers['access-control-allow-credentials']).toBe('true')
    expect(r.headers['access-control-allow-methods']).toBe('GET, HEAD, PUT, PATCH, POST, DELETE')
    expect(r.headers['access-control-allow-headers']).toBe('content-type, x-token')
    expect(r.headers['access-control-max-age']).toBe('600')
    expect(r.headers.vary).toBe('Origin, Access-Control-Request-Headers')
    const unknownPath = await client.request({
      method: 'OPTIONS',
      path: '/nowhere',
      headers: { origin: SITE, 'access-control-request-method': 'GET' },
    })
    expect(unknownPath.status).toBe(204)
  })

  it('answers a preflight from a refused origin without any allow header', async () => {
    client = await open(api({ origin: SITE }))
    const r = await client.request({
      method: 'OPTIONS',
      path: '/items',
      headers: { origin: OTHER, 'access-control-request-method': 'POST' },
    })
    expect(r.status).toBe(204)
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
    expect(r.headers['access-control-allow-methods']).toBeUndefined()
  })

  it('uses fixed methods and allowed headers, and answers Private Network Access when enabled', async () => {
    client = await open(
      api({
        origin: SITE,
        methods: ['get', 'post'],
        allowedHeaders: ['x-token'],
        privateNetwork: true,
        preflightStatus: 200,
      }),
    )
    const r = await client.request({
      method: 'OPTIONS',
      path: '/items',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-other',
        'access-control-request-private-network': 'true',
      },
    })
    expect(r.status).toBe(200)
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST')
    expect(r.headers['access-control-allow-headers']).toBe('x-token')
    expect(r.headers['access-control-allow-private-network']).toBe('true')
    expect(r.headers.vary).toBe('Origin')
  })

  it('lets an OPTIONS without Access-Control-Request-Method through to routing', async () => {
    client = await open(api({ origin: SITE }))
    const r = await client.request({ method: 'OPTIONS', path: '/items', headers: { origin: SITE } })
    expect(r.status).toBe(405)
    expect(r.headers.allow).toBe('GET, HEAD, POST')
  })

  it('puts its headers on error answers too, so the page can read a 4xx/5xx', async () => {
    const app = api({ origin: SITE, credentials: true })
    app.get('/boom', () => {
      throw new Error('bug')
    })
    app.exceptionHandler(RangeError, () => Response.json({ custom: true }, { status: 418 }))
    app.get('/custom', () => {
      throw new RangeError('x')
    })
    client = await open(app)
    for (const [path, status] of [
      ['/fail', 409],
      ['/boom', 500],
      ['/custom', 418],
      ['/nowhere', 404],
    ] as const) {
      const r = await client.request({ path, headers: { origin: SITE } })
      expect(r.status, path).toBe(status)
      expect(r.headers['access-control-allow-origin'], path).toBe(SITE)
      expect(r.headers['access-control-allow-credentials'], path).toBe('true')
      expect(r.headers.vary, path).toBe('Origin')
    }
  })

  it('keeps the Vary the route set and the cookies it sent', async () => {
    const app = new App()
    app.use(cors({ origin: SITE }))
    app.get('/v', () => new Response('x', { headers: { vary: 'Accept-Encoding' } }).setCookie('a', '1'))
    client = await open(app)
    const r = await client.request({ path: '/v', headers: { origin: SITE } })
    expect(r.headers.vary).toBe('Accept-Encoding, Origin')
    expect([r.headers['set-cookie']].flat()).toEqual(['a=1; Path=/'])
  })
})

describe('cors options', () => {
  it('refuses credentials with any origin, and a stateful RegExp', () => {
    expect(() => cors({ credentials: true })).toThrow(CorsOptionsError)
    expect(() => cors({ origin: '*', credentials: true })).toThrow(/credentials/)
    expect(() => cors({ origin: /example/g })).toThrow(CorsOptionsError)
    expect(() => cors({ origin: [SITE, 42 as never] })).toThrow(CorsOptionsError)
  })
})
