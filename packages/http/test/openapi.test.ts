import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { APIRouter, App } from '../src/index.ts'

function shop() {
  const app = new App({ title: 'Shop', version: '1.2.3' })
  const items = new APIRouter({ prefix: '/items', tags: ['items'] })
  items.get(
    '/{id:int}',
    { name: 'getItem', summary: 'One item', response: z.object({ id: z.number(), name: z.string() }) },
    ({ params }) => ({ id: params.id, name: 'pen' }),
  )
  items.post(
    '/',
    {
      body: z.object({ name: z.string().min(1), price: z.number() }),
      status: 201,
      query: z.object({ dry: z.string().optional() }),
    },
    ({ body }) => body,
  )
  app.include(items)
  app.get('/internal', { includeInSchema: false }, () => 'hidden')
  return app
}

describe('OpenAPI', () => {
  it('documents paths, typed path params, query params, bodies, responses and 422s', () => {
    const doc = shop().openapi() as any
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toEqual({ title: 'Shop', version: '1.2.3' })
    expect(Object.keys(doc.paths).sort()).toEqual(['/items', '/items/{id}'])
    const get = doc.paths['/items/{id}'].get
    expect(get.operationId).toBe('getItem')
    expect(get.tags).toEqual(['items'])
    expect(get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }])
    expect(get.responses['200'].content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['id', 'name'],
    })
    const post = doc.paths['/items'].post
    expect(post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, price: { type: 'number' } },
    })
    expect(post.parameters).toEqual([{ name: 'dry', in: 'query', required: false, schema: { type: 'string' } }])
    expect(Object.keys(post.responses)).toEqual(['201', '422'])
    expect(doc.components.schemas.HTTPValidationError).toBeDefined()
  })

  it('serves the document at /openapi.json and Swagger UI at /docs', async () => {
    const app = shop()
    const json = await app.inject('/openapi.json')
    expect(json.json().paths['/items/{id}']).toBeDefined()
    const docs = await app.inject('/docs')
    expect(docs.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(docs.body).toContain('"/openapi.json"')
  })

  it('refreshes the document when routes are added later', async () => {
    const app = shop()
    app.openapi()
    app.get('/late', () => 1)
    expect((app.openapi() as any).paths['/late']).toBeDefined()
  })

  it('serves no document when openapiUrl is null', async () => {
    const app = new App({ openapiUrl: null })
    expect((await app.inject('/openapi.json')).status).toBe(404)
  })
})
