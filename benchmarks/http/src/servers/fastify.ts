// Fastify in its fastest correct setup: no logger, JSON schemas for validation (ajv) and for
// serialization (fast-json-stringify response schemas), synchronous handlers.
import Fastify from 'fastify'
import { CURRENCIES, catalogResponse, created, type Item, LIMIT_MAX, LIMIT_MIN, SORTS } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

const hello = { type: 'object', properties: { hello: { type: 'string' } } } as const

const userParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 0 } },
  required: ['id'],
} as const
const userQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: LIMIT_MIN, maximum: LIMIT_MAX },
    sort: { type: 'string', enum: SORTS },
  },
  required: ['limit', 'sort'],
} as const
const user = {
  type: 'object',
  properties: { id: { type: 'integer' }, limit: { type: 'integer' }, sort: { type: 'string' } },
} as const

const itemProperties = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  price: { type: 'number', exclusiveMinimum: 0 },
  currency: { type: 'string', enum: CURRENCIES },
  quantity: { type: 'integer', minimum: 1, maximum: 1000 },
  tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 32 }, maxItems: 10 },
  description: { type: 'string', maxLength: 500 },
} as const
const item = {
  type: 'object',
  properties: itemProperties,
  required: Object.keys(itemProperties),
} as const
const createdItem = {
  type: 'object',
  properties: { id: { type: 'integer' }, ...itemProperties },
} as const

export async function start(port: number, options: StartOptions = {}): Promise<Started> {
  const app = Fastify({
    logger: false,
    ...(options.keepAliveTimeout !== undefined && { keepAliveTimeout: options.keepAliveTimeout }),
  })
  app.get('/', { schema: { response: { 200: hello } } }, () => ({ hello: 'world' }))
  app.get<{ Params: { id: number }; Querystring: { limit: number; sort: string } }>(
    '/users/:id',
    { schema: { params: userParams, querystring: userQuery, response: { 200: user } } },
    (req) => ({ id: req.params.id, limit: req.query.limit, sort: req.query.sort }),
  )
  app.post<{ Body: Item }>('/items', { schema: { body: item, response: { 201: createdItem } } }, (req, reply) => {
    reply.code(201)
    return created(req.body)
  })
  app.get('/catalog', (req, reply) => {
    const { body, headers } = catalogResponse(req.headers['accept-encoding'])
    reply.headers(headers)
    return reply.send(body)
  })
  await app.listen({ port, host: HOST })
  const address = app.server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return { url: `http://${HOST}:${bound}`, close: () => app.close() }
}
