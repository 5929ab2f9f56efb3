import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  App,
  CookieError,
  CookieSigner,
  Depends,
  deleteCookie,
  HTTPException,
  Response,
  serializeCookie,
  setCookie,
} from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

const KEY = 'k1-0123456789abcdef'
const OLD_KEY = 'k0-fedcba9876543210'

describe('serializeCookie', () => {
  it('writes every attribute in RFC 6265bis spelling', () => {
    const cookie = serializeCookie('sid', 'abc', {
      maxAge: 3600.7,
      expires: new Date('2030-01-02T03:04:05Z'),
      domain: 'example.com',
      path: '/app',
      secure: true,
      httpOnly: true,
      sameSite: 'none',
      partitioned: true,
      priority: 'high',
    })
    expect(cookie).toBe(
      'sid=abc; Max-Age=3600; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=None; Partitioned; Priority=High',
    )
  })

  it('defaults Path to / and maps sameSite true to Strict and lax to Lax', () => {
    expect(serializeCookie('a', 'b')).toBe('a=b; Path=/')
    expect(serializeCookie('a', 'b', { sameSite: true })).toBe('a=b; Path=/; SameSite=Strict')
    expect(serializeCookie('a', 'b', { sameSite: 'lax', priority: 'low' })).toBe(
      'a=b; Path=/; SameSite=Lax; Priority=Low',
    )
  })

  it('percent-encodes a value so ; , space and CR/LF cannot add an attribute or a header', () => {
    const cookie = serializeCookie('note', 'a; Domain=evil.com\r\nSet-Cookie: x=1, é')
    expect(cookie).toBe('note=a%3B%20Domain%3Devil.com%0D%0ASet-Cookie%3A%20x%3D1%2C%20%C3%A9; Path=/')
  })

  it.each([
    ['a name with a space', () => serializeCookie('a b', 'v')],
    ['a name with =', () => serializeCookie('a=b', 'v')],
    ['a name with ;', () => serializeCookie('a;b', 'v')],
    ['an empty name', () => serializeCookie('', 'v')],
    ['a raw value with ;', () => serializeCookie('a', 'x; HttpOnly', { encode: (v) => v })],
    ['a raw value with CR/LF', () => serializeCookie('a', 'x\r\nY: z', { encode: (v) => v })],
    ['a domain with ;', () => serializeCookie('a', 'v', { domain: 'evil.com; Secure' })],
    ['a path with ;', () => serializeCookie('a', 'v', { path: '/; Domain=evil.com' })],
    ['a path with CR', () => serializeCookie('a', 'v', { path: '/\r' })],
    ['a NaN maxAge', () => serializeCookie('a', 'v', { maxAge: Number.NaN })],
    ['an invalid Date', () => serializeCookie('a', 'v', { expires: new Date('nope') })],
    ['SameSite=None without Secure', () => serializeCookie('a', 'v', { sameSite: 'none' })],
    ['Partitioned without Secure', () => serializeCookie('a', 'v', { partitioned: true })],
    ['an unknown sameSite', () => serializeCookie('a', 'v', { sameSite: 'sometimes' as 'lax' })],
    ['an unknown priority', () => serializeCookie('a', 'v', { priority: 'urgent' as 'high' })],
    ['__Secure- without Secure', () => serializeCookie('__Secure-a', 'v')],
    ['__Host- with a Domain', () => serializeCookie('__Host-a', 'v', { secure: true, domain: 'example.com' })],
    ['__Host- with a Path', () => serializeCookie('__Host-a', 'v', { secure: true, path: '/app' })],
  ])('refuses %s with CookieError', (_what, write) => {
    expect(write).toThrow(CookieError)
    try {
      write()
    } catch (error) {
      expect((error as CookieError).code).toBe('HTTP_INVALID_COOKIE')
    }
  })

  it('accepts a __Host- cookie that keeps its rules and clamps a negative Max-Age to 0', () => {
    expect(serializeCookie('__Host-id', 'v', { secure: true })).toBe('__Host-id=v; Path=/; Secure')
    expect(serializeCookie('a', 'v', { maxAge: -5 })).toBe('a=v; Max-Age=0; Path=/')
  })
})

describe('CookieSigner', () => {
  it('signs with HMAC-SHA256 and verifies; a changed value or signature is invalid', () => {
    const signer = new CookieSigner(KEY)
    const signed = signer.sign('user-42')
    expect(signed).toMatch(/^user-42\.[A-Za-z0-9_-]{43}$/)
    expect(signer.unsign(signed)).toEqual({ valid: true, value: 'user-42', renew: false })
    expect(signer.unsign(signed.replace('user-42', 'user-43')).valid).toBe(false)
    expect(signer.unsign(`${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`).valid).toBe(false)
    expect(signer.unsign('user-42').valid).toBe(false)
    expect(signer.unsign(`${signed}x`).valid).toBe(false)
    expect(signer.unsign(undefined)).toEqual({ valid: false, value: undefined, renew: false })
    expect(new CookieSigner('another-key-0123456').unsign(signed).valid).toBe(false)
  })

  it('rotates keys: signs with the first, accepts any, and asks to renew a value signed by an older one', () => {
    const old = new CookieSigner(OLD_KEY)
    const rotated = new CookieSigner([KEY, OLD_KEY])
    const fromOld = old.sign('v.with.dots')
    expect(rotated.unsign(fromOld)).toEqual({ valid: true, value: 'v.with.dots', renew: true })
    const fresh = rotated.sign('v')
    expect(rotated.unsign(fresh)).toEqual({ valid: true, value: 'v', renew: false })
    expect(new CookieSigner(KEY).unsign(fresh).valid).toBe(true)
    expect(old.unsign(fresh).valid).toBe(false)
  })

  it('refuses no key or a short one', () => {
    expect(() => new CookieSigner([])).toThrow(CookieError)
    expect(() => new CookieSigner('short')).toThrow(CookieError)
  })
})

describe.each(transports)('cookies on responses (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  it('sends several Set-Cookie headers, and a deletion, from one Response', async () => {
    const app = new App()
    app.get('/login', () =>
      Response.json({ ok: true })
        .setCookie('sid', 'abc 1', { httpOnly: true, sameSite: 'lax' })
        .setCookie('theme', 'dark', { maxAge: 60 })
        .deleteCookie('old', { path: '/app' }),
    )
    client = await open(app)
    const r = await client.request({ path: '/login' })
    expect(r.json()).toEqual({ ok: true })
    expect(r.headers['set-cookie']).toEqual([
      'sid=abc%201; Path=/; HttpOnly; SameSite=Lax',
      'theme=dark; Max-Age=60; Path=/',
      'old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/app',
    ])
  })

  it('keeps a Set-Cookie the handler wrote by hand', async () => {
    const app = new App()
    app.get('/', () => new Response('x', { headers: { 'Set-Cookie': 'a=1' } }).setCookie('b', '2'))
    client = await open(app)
    expect((await client.request({ path: '/' })).headers['set-cookie']).toEqual(['a=1', 'b=2; Path=/'])
  })

  it('round-trips a signed cookie: the value read back with a schema verifies, a forged one does not', async () => {
    const signer = new CookieSigner([KEY, OLD_KEY])
    const app = new App()
    app.get('/set', () => Response.json(null).setCookie('uid', signer.sign('ada é'), { httpOnly: true }))
    app.get('/me', { cookies: z.object({ uid: z.string() }) }, ({ cookies }) => {
      const uid = signer.unsign(cookies.uid)
      return uid.valid ? { uid: uid.value, renew: uid.renew } : Response.json({ detail: 'forged' }, { status: 401 })
    })
    client = await open(app)
    const set = [(await client.request({ path: '/set' })).headers['set-cookie']].flat() as string[]
    const pair = set[0]!.split(';')[0]!
    const me = await client.request({ path: '/me', headers: { cookie: pair } })
    expect(me.json()).toEqual({ uid: 'ada é', renew: false })
    const forged = pair.replace('ada', 'eve')
    expect((await client.request({ path: '/me', headers: { cookie: forged } })).status).toBe(401)
    const older = new CookieSigner(OLD_KEY).sign('bob')
    const renewed = await client.request({ path: '/me', headers: { cookie: `uid=${encodeURIComponent(older)}` } })
    expect(renewed.json()).toEqual({ uid: 'bob', renew: true })
    expect((await client.request({ path: '/me' })).status).toBe(422)
  })

  it('sets and deletes cookies from a handler that returns a plain value, and from a dependency', async () => {
    const app = new App()
    const session = Depends(({ request }) => {
      setCookie(request, 'visited', 'yes', { maxAge: 60 })
      return 'session'
    })
    app.get('/plain', { deps: { session } }, ({ request, deps }) => {
      setCookie(request, 'sid', 'a b', { httpOnly: true })
      deleteCookie(request, 'old')
      return { session: deps.session }
    })
    app.get('/both', ({ request }) => {
      setCookie(request, 'a', '1')
      return Response.json(null).setCookie('b', '2')
    })
    app.get('/error', ({ request }) => {
      setCookie(request, 'tried', '1')
      throw new HTTPException(401)
    })
    client = await open(app)
    const r = await client.request({ path: '/plain' })
    expect(r.json()).toEqual({ session: 'session' })
    expect([r.headers['set-cookie']].flat()).toEqual([
      'visited=yes; Max-Age=60; Path=/',
      'sid=a%20b; Path=/; HttpOnly',
      'old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
    ])
    expect([(await client.request({ path: '/both' })).headers['set-cookie']].flat()).toEqual([
      'b=2; Path=/',
      'a=1; Path=/',
    ])
    const failed = await client.request({ path: '/error' })
    expect(failed.status).toBe(401)
    expect([failed.headers['set-cookie']].flat()).toEqual(['tried=1; Path=/'])
  })

  it('answers 500 without sending anything when a handler sets an invalid cookie', async () => {
    const errors: unknown[] = []
    const app = new App({ logger: { error: (details) => errors.push(details) } })
    app.get('/', () => Response.json(1).setCookie('bad name', 'x'))
    client = await open(app)
    const r = await client.request({ path: '/' })
    expect(r.status).toBe(500)
    expect(r.headers['set-cookie']).toBeUndefined()
    expect(errors).toHaveLength(1)
  })
})
