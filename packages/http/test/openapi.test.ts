import { compileErrors, validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { APIRouter, App, Depends, HTTPException, Security } from '../src/index.ts'
import { defaultOperationId, type RouteDocs } from '../src/openapi.ts'
import type { RouteConfig } from '../src/route.ts'

// the documentation-only fields, until RouteConfig extends RouteDocs
const withDocs = (docs: RouteDocs & RouteConfig) => docs as RouteConfig

import { named } from '../src/openapi-schemas.ts'

// the document passes an external OpenAPI 3.1 validator (it dereferences what it is given: a copy goes in)
async function expectValid(doc: unknown) {
  const result = await validate(structuredClone(doc) as never)
  if (!result.valid) expect.fail(compileErrors(result))
  expect(result.warnings).toEqual([])
}

function recording() {
  const warnings: string[] = []
  return { warnings, logger: { error() {}, warn: (_: object, message?: string) => warnings.push(message ?? '') } }
}

function shop() {
  const app = new App({ title: 'Shop', version: '1.2.3', logger: recording().logger })
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
  it('documents paths, typed path params, query params, bodies, responses and 422s', async () => {
    const doc = shop().openapi() as any
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toEqual({ title: 'Shop', version: '1.2.3' })
    expect(Object.keys(doc.paths).sort()).toEqual(['/items', '/items/{id}'])
    const get = doc.paths['/items/{id}'].get
    expect(get.operationId).toBe('getItem')
    expect(get.tags).toEqual(['items'])
    expect(get.parameters).toEqual([
      {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      },
    ])
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
    expect(post.responses['422'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/HTTPValidationError',
    })
    await expectValid(doc)
  })

  it('serves the document at /openapi.json', async () => {
    const json = await shop().inject('/openapi.json')
    expect(json.headers['content-type']).toBe('application/json')
    expect(json.json().paths['/items/{id}']).toBeDefined()
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

describe('component schemas', () => {
  it('emits a schema named with zod .meta({ id }) once, referenced wherever it is used, nested ones too', async () => {
    const Tag = z.object({ label: z.string() }).meta({ id: 'Tag' })
    const Note = z.object({ id: z.number(), text: z.string(), tags: z.array(Tag) }).meta({ id: 'Note' })
    const app = new App()
    app.get('/notes', { response: z.array(Note) }, () => [])
    app.get('/notes/{id:int}', { response: Note }, () => ({ id: 1, text: 'a', tags: [] }))
    app.get('/tags', { response: z.array(Tag) }, () => [])
    const doc = app.openapi() as any
    expect(doc.paths['/notes/{id}'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Note',
    })
    expect(doc.paths['/notes'].get.responses['200'].content['application/json'].schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Note' },
    })
    expect(doc.components.schemas.Note.properties.tags).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Tag' },
    })
    expect(doc.components.schemas.Tag).toEqual({
      type: 'object',
      properties: { label: { type: 'string' } },
      required: ['label'],
      additionalProperties: false,
    })
    expect(JSON.stringify(doc)).not.toContain('$defs')
    await expectValid(doc)
  })

  it('names any Standard Schema with named(), and splits Name-Input / Name-Output when the sides differ', async () => {
    const Draft = named('Draft', z.object({ text: z.string(), pinned: z.boolean().default(false) }))
    const app = new App()
    app.post('/drafts', { body: Draft, response: Draft }, ({ body }) => body)
    app.put('/drafts/{id:int}', { body: Draft }, ({ body }) => body)
    const doc = app.openapi() as any
    const post = doc.paths['/drafts'].post
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Draft-Input' })
    expect(post.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Draft-Output',
    })
    expect(doc.components.schemas['Draft-Input'].required).toEqual(['text'])
    expect(doc.components.schemas['Draft-Output'].required).toEqual(['text', 'pinned'])
    expect(doc.components.schemas.Draft).toBeUndefined()
    await expectValid(doc)
  })

  it('reads parameters from a named query schema', async () => {
    const Page = z.object({ limit: z.coerce.number().int().optional(), tag: z.array(z.string()) }).meta({ id: 'Page' })
    const app = new App()
    app.get('/notes', { query: Page }, () => [])
    const doc = app.openapi() as any
    expect(doc.paths['/notes'].get.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', maximum: expect.any(Number), minimum: expect.any(Number) },
      },
      { name: 'tag', in: 'query', required: true, schema: { type: 'array', items: { type: 'string' } } },
    ])
    await expectValid(doc)
  })
})

describe('array query parameters', () => {
  it('documents a list as an array (form style, exploded) and takes one value as a one-item array', async () => {
    const app = new App()
    app.get('/notes', { query: z.object({ tag: z.array(z.string()).optional() }) }, ({ query }) => query.tag ?? [])
    const [param] = (app.openapi() as any).paths['/notes'].get.parameters
    expect(param).toEqual({
      name: 'tag',
      in: 'query',
      required: false,
      schema: { type: 'array', items: { type: 'string' } },
    })
    // no `style`/`explode`: a query parameter defaults to form, exploded (OpenAPI 3.1 §4.8.12.4), i.e. ?tag=a&tag=b
    expect((await app.inject('/notes?tag=a')).json()).toEqual(['a'])
    expect((await app.inject('/notes?tag=a&tag=b')).json()).toEqual(['a', 'b'])
  })
})

describe('dependency parameters', () => {
  it('documents the headers, query and cookies a dependency validates on every route that uses it', async () => {
    const tenant = Depends(({ headers }) => headers['x-tenant'], { headers: z.object({ 'x-tenant': z.string() }) })
    const paging = Depends(({ query }) => query, {
      query: z.object({ page: z.coerce.number().int().min(1).default(1), tag: z.array(z.string()).optional() }),
    })
    const session = Depends(({ cookies, deps }) => `${deps.tenant}:${cookies.sid}`, {
      cookies: z.object({ sid: z.string() }),
      deps: { tenant },
    })
    const app = new App({ dependencies: [tenant] })
    const admin = new APIRouter({ prefix: '/admin', dependencies: [session] })
    admin.get('/stats', () => ({}))
    app.include(admin)
    app.get('/notes', { deps: { page: paging }, query: z.object({ page: z.string() }) }, () => [])
    app.get('/plain', () => 'x')
    const doc = app.openapi() as any
    const names = (op: any) => op.parameters.map((p: any) => `${p.in}:${p.name}:${p.required}`)
    expect(names(doc.paths['/admin/stats'].get)).toEqual(['header:x-tenant:true', 'cookie:sid:true'])
    // the route's own `page` comes first and is kept; the dependency's `tag` is added
    expect(names(doc.paths['/notes'].get)).toEqual(['query:page:true', 'header:x-tenant:true', 'query:tag:false'])
    expect(names(doc.paths['/plain'].get)).toEqual(['header:x-tenant:true'])
    expect(Object.keys(doc.paths['/plain'].get.responses)).toEqual(['200', '422'])
    expect((await app.inject({ url: '/plain' })).status).toBe(422) // documented, and so it answers
    await expectValid(doc)
  })

  it("keeps a dependency's parameters when it is wrapped by Security(dep, scopes)", () => {
    const scoped = Depends(({ headers }) => headers['x-client'], { headers: z.object({ 'x-client': z.string() }) })
    const app = new App()
    app.get('/x', { dependencies: [Security(scoped, ['read'])] }, () => null)
    expect((app.openapi() as any).paths['/x'].get.parameters.map((p: any) => p.name)).toEqual(['x-client'])
  })
})

describe('values JSON Schema cannot describe', () => {
  it('documents a Date as a date-time string, per field, and serializes it as an ISO string', async () => {
    const { warnings, logger } = recording()
    const Note = z.object({ id: z.number(), text: z.string(), created_at: z.date(), tags: z.array(z.string()) })
    const app = new App({ logger })
    const created = new Date(Date.UTC(2026, 11, 5, 18, 0, 0))
    app.get('/notes/{id:int}', { response: Note }, ({ params }) => ({
      id: params.id,
      text: 'a',
      created_at: created,
      tags: [],
    }))
    app.post('/notes', { body: z.object({ text: z.string(), remind_at: z.coerce.date() }) }, () => null)
    const doc = app.openapi() as any
    const schema = doc.paths['/notes/{id}'].get.responses['200'].content['application/json'].schema
    expect(schema.properties).toEqual({
      id: { type: 'number' },
      text: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      tags: { type: 'array', items: { type: 'string' } },
    })
    const body = doc.paths['/notes'].post.requestBody.content['application/json'].schema
    expect(body.properties.remind_at).toEqual({ type: 'string', format: 'date-time' })
    expect(warnings).toEqual([])
    expect((await app.inject('/notes/1')).json().created_at).toBe('2026-12-05T18:00:00.000Z')
    await expectValid(doc)
  })

  it("documents a transformed field with the schema's other side and warns naming the route and the field", async () => {
    const { warnings, logger } = recording()
    const app = new App({ logger })
    const Out = z.object({ id: z.number(), slug: z.string().transform((s) => s.toLowerCase()) })
    app.get('/items/{id:int}', { response: Out }, () => ({ id: 1, slug: 'A' }))
    const doc = app.openapi() as any
    expect(doc.paths['/items/{id}'].get.responses['200'].content['application/json'].schema.properties).toEqual({
      id: { type: 'number' },
      slug: { type: 'string' },
    })
    expect(warnings).toEqual([
      "GET /items/{id} response, field slug: Transforms cannot be represented in JSON Schema; documented with the schema's input side",
    ])
  })

  it('never blanks a whole schema: a field with no JSON Schema on either side is {} with a warning', async () => {
    const { warnings, logger } = recording()
    const app = new App({ logger })
    const Body = z.object({ name: z.string(), blob: z.custom<Buffer>((v) => Buffer.isBuffer(v)) })
    app.post('/blobs', { body: Body }, () => null)
    const doc = app.openapi() as any
    const schema = doc.paths['/blobs'].post.requestBody.content['application/json'].schema
    expect(schema.properties).toEqual({ name: { type: 'string' }, blob: {} })
    expect(warnings).toEqual([
      'POST /blobs body, field blob: Custom types cannot be represented in JSON Schema; documented as any value ({})',
    ])
  })

  it('warns naming the route when a schema library gives no JSON Schema at all', () => {
    const { warnings, logger } = recording()
    const app = new App({ logger })
    const opaque = { '~standard': { version: 1, vendor: 'opaque', validate: (value: unknown) => ({ value }) } } as const
    app.post('/opaque', { body: opaque }, () => null)
    app.openapi()
    expect(warnings).toEqual([
      'POST /opaque body: its library (opaque) gives no JSON Schema; documented as any value ({})',
    ])
  })
})

describe('operations', () => {
  it('derives a stable, unique operationId from the method and path when the route has no name', async () => {
    expect(defaultOperationId('GET', '/notes/{id}')).toBe('getNotesById')
    expect(defaultOperationId('post', '/user-groups/{group_id}/members')).toBe('postUserGroupsByGroupIdMembers')
    expect(defaultOperationId('GET', '/')).toBe('getRoot')
    const app = new App()
    app.get('/notes', () => [])
    app.get('/notes/{id:int}', () => null)
    app.get('/other', { name: 'getNotes' }, () => null) // an explicit name keeps its id; the derived one moves
    app.all('/any', { name: 'any' }, () => null)
    app.get('/echo/{x}', () => null)
    const doc = app.openapi() as any
    const ids = Object.values(doc.paths).flatMap((ops: any) => Object.values(ops).map((op: any) => op.operationId))
    expect(ids).toEqual([
      'getNotes2',
      'getNotesById',
      'getNotes',
      'anyGet',
      'anyPost',
      'anyPut',
      'anyPatch',
      'anyDelete',
      'getEchoByX',
    ])
    expect(new Set(ids).size).toBe(ids.length)
    await expectValid(doc)
  })

  it('takes summary, description, tags and deprecated from the route', () => {
    const app = new App()
    app.get('/old', { summary: 'Old', description: 'Use /new.', tags: ['legacy'], deprecated: true }, () => null)
    const op = (app.openapi() as any).paths['/old'].get
    expect(op).toMatchObject({ summary: 'Old', description: 'Use /new.', tags: ['legacy'], deprecated: true })
  })

  it('declares the error answers a route lists, with the error shape by default', async () => {
    const Conflict = z.object({ detail: z.string(), existing: z.number() }).meta({ id: 'Conflict' })
    const app = new App()
    app.post(
      '/notes',
      {
        body: z.object({ text: z.string() }),
        status: 201,
        responses: { 404: 'Folder not found', 409: { schema: Conflict } },
      },
      () => {
        throw new HTTPException(404, 'Folder not found')
      },
    )
    const responses = (app.openapi() as any).paths['/notes'].post.responses
    expect(Object.keys(responses)).toEqual(['201', '404', '409', '422'])
    expect(responses['404']).toEqual({
      description: 'Folder not found',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } },
    })
    expect(responses['409']).toEqual({
      description: 'Conflict',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Conflict' } } },
    })
    await expectValid(app.openapi())
  })

  it('documents problem+json error bodies when the app answers errors that way', async () => {
    const app = new App({ errorFormat: 'problem' })
    app.get('/notes/{id:int}', { query: z.object({ q: z.string() }), responses: { 404: 'Not here' } }, () => null)
    const responses = (app.openapi() as any).paths['/notes/{id}'].get.responses
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } }
    expect(responses['404'].content).toEqual(problem)
    expect(responses['422'].content).toEqual(problem)
    await expectValid(app.openapi())
  })

  it('declares 422 only where a schema validates input: a typed path param misses with 404 instead', async () => {
    const app = new App()
    app.get('/notes/{id:int}', () => null)
    app.get('/search', { query: z.object({ q: z.string() }) }, () => null)
    app.get('/plain', { response: z.string() }, () => 'x')
    const doc = app.openapi() as any
    expect(Object.keys(doc.paths['/notes/{id}'].get.responses)).toEqual(['200'])
    expect(Object.keys(doc.paths['/search'].get.responses)).toEqual(['200', '422'])
    expect(Object.keys(doc.paths['/plain'].get.responses)).toEqual(['200'])
    expect((await app.inject('/notes/abc')).status).toBe(404)
  })

  it('documents a route by its media type, an event stream as text/event-stream', async () => {
    const app = new App()
    app.get('/page', { mediaType: 'text/html' }, () => '<p>hi</p>')
    app.get('/events', withDocs({ mediaType: 'text/event-stream' }), () => null)
    app.sse('/feed', {}, () => undefined) // an SSE route says so without being told
    const doc = app.openapi() as any
    expect(Object.keys(doc.paths['/feed'].get.responses['200'].content)).toEqual(['text/event-stream'])
    expect(doc.paths['/page'].get.responses['200'].content).toEqual({ 'text/html': { schema: { type: 'string' } } })
    expect(Object.keys(doc.paths['/events'].get.responses['200'].content)).toEqual(['text/event-stream'])
    await expectValid(doc)
  })

  it('leaves WebSocket routes out', () => {
    const app = new App()
    app.websocket('/ws', {}, () => {})
    app.get('/http', () => null)
    expect(Object.keys((app.openapi() as any).paths)).toEqual(['/http'])
  })

  it('documents no response body for 204', () => {
    const app = new App()
    app.delete('/notes/{id:int}', { status: 204 }, () => undefined)
    expect((app.openapi() as any).paths['/notes/{id}'].delete.responses).toEqual({
      '204': { description: 'No Content' },
    })
  })
})
