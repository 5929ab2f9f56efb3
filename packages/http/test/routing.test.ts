// The router's behaviour as a client sees it, over a real socket and in-process: safe-integer and bigint params,
// routes naming a param differently at one position, and a 405 whose Allow lists every method that would succeed.
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { App, listen, type RunningServer } from '../src/index.ts'

function routes(): App {
  const app = new App()
  app.get('/items/{id:int}', ({ params }) => ({ id: params.id, kind: typeof params.id }))
  app.get('/orders/{id:bigint}', ({ params }) => ({ id: params.id.toString(), kind: typeof params.id }))
  app.get('/users/{id}', ({ params }) => ({ user: params.id }))
  app.get('/users/{user_id}/posts', ({ params }) => ({ postsOf: params.user_id }))
  app.post('/things/special', () => 'special')
  app.get('/things/{id}', () => 'get')
  app.put('/things/{id}', () => 'put')
  app.delete('/things/{id}', () => 'delete')
  return app
}

describe('routing over a real socket', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await listen(routes(), { port: 0 })
  })
  afterAll(() => server.close())

  const get = async (path: string, method: 'GET' | 'PATCH' = 'GET') => {
    const r = await request(`${server.url}${path}`, { method })
    return { status: r.statusCode, allow: r.headers.allow, body: (await r.body.json()) as Record<string, unknown> }
  }

  it('matches {id:int} only with a safe integer: 2^53 + 1, twenty digits and a thousand digits miss with 404', async () => {
    expect(await get('/items/9007199254740991')).toMatchObject({ status: 200, body: { id: 9007199254740991 } })
    expect((await get('/items/9007199254740993')).status).toBe(404)
    expect((await get('/items/12345678901234567890')).status).toBe(404)
    expect((await get(`/items/${'9'.repeat(1000)}`)).status).toBe(404)
  })

  it('hands {id:bigint} to the handler as an exact bigint', async () => {
    expect(await get('/orders/9007199254740993')).toMatchObject({
      status: 200,
      body: { id: '9007199254740993', kind: 'bigint' },
    })
  })

  it('serves routes that name the param at one position differently, each with its own name', async () => {
    expect((await get('/users/ada')).body).toEqual({ user: 'ada' })
    expect((await get('/users/ada/posts')).body).toEqual({ postsOf: 'ada' })
  })

  it('answers 405 with every method that would succeed at the path, across the routes that match it', async () => {
    const r = await get('/things/special', 'PATCH')
    expect(r.status).toBe(405)
    expect(r.allow).toBe('DELETE, GET, HEAD, POST, PUT')
  })
})

describe('routing in the OpenAPI document', () => {
  it('documents {id:int} as a safe integer and {id:bigint} as a string of digits', () => {
    const doc = routes().openapi() as { paths: Record<string, { get: { parameters: { schema: unknown }[] } }> }
    expect(doc.paths['/items/{id}']!.get.parameters[0]!.schema).toEqual({
      type: 'integer',
      minimum: Number.MIN_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    })
    expect(doc.paths['/orders/{id}']!.get.parameters[0]!.schema).toEqual({ type: 'string', pattern: '^-?[0-9]+$' })
  })
})
