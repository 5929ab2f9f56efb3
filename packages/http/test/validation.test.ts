import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib'
import * as v from 'valibot'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.ts'
import { type Client, transports } from './helpers/transports.ts'

const Item = z.object({ name: z.string().min(1), price: z.number().positive() })

describe.each(transports)('validation (%s)', (_name, open) => {
  let client: Client
  afterEach(() => client?.close())

  function shop() {
    const app = new App({ logger: { error: () => {} } })
    app.post('/items', { body: Item, status: 201 }, ({ body }) => ({ created: body.name, price: body.price }))
    app.get(
      '/search',
      { query: z.object({ q: z.string(), limit: z.coerce.number().int().max(50).default(10) }) },
      ({ query }) => query,
    )
    app.get('/items/{id:int}', { response: z.object({ id: z.number(), name: z.string() }) }, ({ params }) => ({
      id: params.id,
      name: 'pen',
      secret: 'cost price 0.02',
    }))
    // @ts-expect-error the value does not fit the response schema: refused at compile time, and with 500 at run time
    app.get('/broken', { response: z.object({ id: z.number() }) }, () => ({ id: 'not a number' }))
    return app
  }

  it('hands the validated body to the handler', async () => {
    client = await open(shop())
    const r = await client.request({ method: 'POST', path: '/items', body: { name: 'pen', price: 2.5 } })
    expect(r.status).toBe(201)
    expect(r.json()).toEqual({ created: 'pen', price: 2.5 })
  })

  it('answers 422 with FastAPI detail entries naming each bad field', async () => {
    client = await open(shop())
    const r = await client.request({ method: 'POST', path: '/items', body: { name: '', price: -1 } })
    expect(r.status).toBe(422)
    const detail = r.json().detail as { loc: unknown[]; msg: string; type: string }[]
    expect(detail.map((d) => d.loc)).toEqual([
      ['body', 'name'],
      ['body', 'price'],
    ])
    for (const d of detail) {
      expect(typeof d.msg).toBe('string')
      expect(typeof d.type).toBe('string')
    }
  })

  it('answers 422 when a required body is missing', async () => {
    client = await open(shop())
    const r = await client.request({ method: 'POST', path: '/items' })
    expect(r.status).toBe(422)
    expect(r.json().detail[0].loc).toEqual(['body'])
  })

  it('answers malformed JSON with 422 json_invalid and keeps serving', async () => {
    client = await open(shop())
    const r = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "pen",',
    })
    expect(r.status).toBe(422)
    expect(r.json().detail[0].type).toBe('json_invalid')
    expect((await client.request({ method: 'POST', path: '/items', body: { name: 'a', price: 1 } })).status).toBe(201)
  })

  it('gives each 422 issue the value at its loc as input, bounded in size, whatever the body holds', async () => {
    const app = new App()
    app.post('/bulk', { body: z.object({ items: z.array(z.object({ n: z.number() })) }) }, () => 'ok')
    client = await open(app)
    // 1,000 bad items in a ~100 KB body: each issue used to repeat the whole body (102 MB answered)
    const items = Array.from({ length: 1000 }, (_, i) => ({ n: `${i}`.padEnd(90, 'x') }))
    const r = await client.request({ method: 'POST', path: '/bulk', body: { items } })
    expect(r.status).toBe(422)
    expect(r.rawBody.length).toBeLessThan(400_000)
    const detail = r.json().detail as { loc: unknown[]; input?: unknown }[]
    expect(detail).toHaveLength(1000)
    expect(detail[0]).toMatchObject({ loc: ['body', 'items', 0, 'n'], input: items[0]!.n })
    // past the answer's budget the input is left out, never the issue
    expect(detail.at(-1)).toMatchObject({ loc: ['body', 'items', 999, 'n'] })
    const long = await client.request({ method: 'POST', path: '/bulk', body: { items: 'y'.repeat(10_000) } })
    const input = long.json().detail[0].input as string
    expect(input.length).toBeLessThan(300)
    expect(input.endsWith('…')).toBe(true)
  })

  it('gives path, query and header issues their input too', async () => {
    const app = new App()
    app.get(
      '/p/{id}',
      {
        params: z.object({ id: z.string().regex(/^\d+$/) }),
        query: z.object({ limit: z.coerce.number().int() }),
        headers: z.object({ 'x-token': z.string().min(3) }),
      },
      () => 'ok',
    )
    client = await open(app)
    const r = await client.request({ path: '/p/abc?limit=many', headers: { 'x-token': 'a' } })
    expect(r.status).toBe(422)
    expect(r.json().detail.map((d: { loc: unknown[]; input: unknown }) => [d.loc, d.input])).toEqual([
      [['path', 'id'], 'abc'],
      [['query', 'limit'], 'many'],
      [['header', 'x-token'], 'a'],
    ])
  })

  it('answers 422, not 500, when the bad input is nested thousands deep: its echo is cut', async () => {
    const app = new App()
    app.post('/items', { body: Item }, () => 'ok')
    client = await open(app)
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    const r = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json' },
      body: deep,
    })
    expect(r.status).toBe(422)
    expect(r.json().detail[0]).toMatchObject({ loc: ['body'], input: [[[['…']]]] })
  })

  it('refuses a __proto__ payload with 400', async () => {
    client = await open(shop())
    const r = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"x","price":1,"__proto__":{"admin":true}}',
    })
    expect(r.status).toBe(400)
    expect(r.json().detail).toMatch(/prototype/)
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
  })

  it.each([
    ['\\u0063onstructor', '{"\\u0063onstructor":{"prototype":{"polluted":1}}}'],
    ['c\\u006fnstructor', '{"name":"x","price":1,"c\\u006fnstructor":{"prototype":{"polluted":1}}}'],
    ['\\u005f_proto__ nested', '{"name":"x","price":1,"tags":[{"\\u005f_proto__":{"polluted":1}}]}'],
  ])('refuses a prototype key spelled with escapes (%s) with 400', async (_label, body) => {
    const app = new App()
    app.post('/merge', { bodyTypes: ['json'] }, ({ body }) => ({ keys: Object.keys(body as object) }))
    client = await open(app)
    const r = await client.request({
      method: 'POST',
      path: '/merge',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(r.status).toBe(400)
    expect(r.json().detail).toMatch(/prototype/)
    // a constructor key that is plain data stays accepted
    const fine = await client.request({
      method: 'POST',
      path: '/merge',
      headers: { 'content-type': 'application/json' },
      body: '{"constructor":"Acme Corp"}',
    })
    expect(fine.json()).toEqual({ keys: ['constructor'] })
  })

  it('decodes a gzip, deflate, br or zstd request body, bounded by bodyLimit once decoded, and refuses other codings with 415', async () => {
    const app = new App({ bodyLimit: 4096 })
    app.post('/items', { body: Item, status: 201 }, ({ body }) => body)
    client = await open(app)
    const json = Buffer.from(JSON.stringify({ name: 'pen', price: 2 }))
    const codings: [string, Buffer][] = [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['br', brotliCompressSync(json)],
      ['zstd', zstdCompressSync(json)],
    ]
    for (const [coding, body] of codings) {
      const r = await client.request({
        method: 'POST',
        path: '/items',
        headers: { 'content-type': 'application/json', 'content-encoding': coding },
        body,
      })
      expect([coding, r.status, r.json()]).toEqual([coding, 201, { name: 'pen', price: 2 }])
    }
    // 200 bytes on the wire, 1 MB decoded: refused at the limit, never inflated whole
    const bomb = gzipSync(Buffer.from(`{"name":"${'a'.repeat(1024 * 1024)}","price":1}`))
    const big = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: bomb,
    })
    expect(big.status).toBe(413)
    const unknown = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json', 'content-encoding': 'compress' },
      body: json,
    })
    expect(unknown.status).toBe(415)
    expect(String(unknown.headers['accept-encoding'])).toContain('gzip')
    const corrupt = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: json,
    })
    expect(corrupt.status).toBe(400)
  })

  it('refuses an unsupported content type with 415', async () => {
    client = await open(shop())
    const r = await client.request({
      method: 'POST',
      path: '/items',
      headers: { 'content-type': 'application/xml' },
      body: '<item/>',
    })
    expect(r.status).toBe(415)
  })

  it('refuses a body over the limit with 413', async () => {
    const app = new App({ bodyLimit: 100 })
    app.post('/upload', { body: z.object({ data: z.string() }) }, () => 'ok')
    client = await open(app)
    const r = await client.request({ method: 'POST', path: '/upload', body: { data: 'x'.repeat(500) } })
    expect(r.status).toBe(413)
    expect(r.json().detail).toMatch(/100 bytes/)
  })

  it('validates and coerces the query string, with defaults', async () => {
    client = await open(shop())
    expect((await client.request({ path: '/search?q=pens&limit=5' })).json()).toEqual({ q: 'pens', limit: 5 })
    expect((await client.request({ path: '/search?q=pens' })).json()).toEqual({ q: 'pens', limit: 10 })
    const bad = await client.request({ path: '/search?limit=500' })
    expect(bad.status).toBe(422)
    expect(bad.json().detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['query', 'q'],
      ['query', 'limit'],
    ])
  })

  it('filters the handler value through the response schema: extra fields never leave', async () => {
    client = await open(shop())
    const r = await client.request({ path: '/items/7' })
    expect(r.json()).toEqual({ id: 7, name: 'pen' })
    expect(r.body).not.toContain('cost price')
  })

  it('answers 500 when the handler value breaks its response schema', async () => {
    client = await open(shop())
    const r = await client.request({ path: '/broken' })
    expect(r.status).toBe(500)
    expect(r.body).not.toContain('not a number')
  })

  it('accepts valibot schemas through Standard Schema as well', async () => {
    const app = new App()
    app.post('/v', { body: v.object({ n: v.pipe(v.number(), v.minValue(3)) }) }, ({ body }) => body.n * 2)
    client = await open(app)
    expect((await client.request({ method: 'POST', path: '/v', body: { n: 4 } })).json()).toBe(8)
    const bad = await client.request({ method: 'POST', path: '/v', body: { n: 1 } })
    expect(bad.status).toBe(422)
    expect(bad.json().detail[0].loc).toEqual(['body', 'n'])
  })

  it('validates headers and cookies', async () => {
    const app = new App()
    app.get(
      '/me',
      { headers: z.object({ 'x-token': z.string().min(3) }), cookies: z.object({ session: z.string() }) },
      ({ headers, cookies }) => ({ token: headers['x-token'], session: cookies.session }),
    )
    client = await open(app)
    const ok = await client.request({ path: '/me', headers: { 'x-token': 'abcd', cookie: 'session=s1; other=2' } })
    expect(ok.json()).toEqual({ token: 'abcd', session: 's1' })
    const bad = await client.request({ path: '/me', headers: { 'x-token': 'a' } })
    expect(bad.json().detail.map((d: { loc: unknown[] }) => d.loc[0])).toEqual(['header', 'cookie'])
  })

  it('parses urlencoded forms and text bodies when the route accepts them', async () => {
    const app = new App()
    app.post('/form', { bodyTypes: ['form'] }, ({ body }) => body)
    app.post('/note', { bodyTypes: ['text'] }, ({ body }) => ({ length: (body as string).length }))
    client = await open(app)
    const form = await client.request({
      method: 'POST',
      path: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=x+y&a=2',
    })
    expect(form.json()).toEqual({ a: ['1', '2'], b: 'x y' })
    const note = await client.request({
      method: 'POST',
      path: '/note',
      headers: { 'content-type': 'text/plain' },
      body: 'héllo',
    })
    expect(note.json()).toEqual({ length: 5 })
  })

  it('answers 400 for a query string or form with more than 1000 parameters', async () => {
    const app = new App()
    app.get('/q', ({ query }) => Object.keys(query).length)
    app.post('/form', { bodyTypes: ['form'] }, ({ body }) => Object.keys(body as object).length)
    client = await open(app)
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&')
    expect((await client.request({ path: `/q?${many}` })).status).toBe(400)
    const form = await client.request({
      method: 'POST',
      path: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: many,
    })
    expect(form.status).toBe(400)
    expect((await client.request({ path: '/q?a=1&b=2' })).json()).toBe(2)
  })

  it('answers 400 for a malformed percent-escape in the path or query', async () => {
    const app = new App()
    app.get('/files/{name}', ({ params }) => params.name)
    app.get('/q', ({ query }) => query)
    client = await open(app)
    expect((await client.request({ path: '/files/%E0%A4%A' })).status).toBe(400)
    expect((await client.request({ path: '/q?x=%ZZ' })).status).toBe(400)
    // a path that matches no route before its malformed escape is not found, not a bad request
    const missing = await client.request({ path: '/nothing/%E0%A4%A' })
    expect(missing.status).toBe(404)
    expect(missing.json()).toMatchObject({ detail: 'Not Found' })
  })
})
