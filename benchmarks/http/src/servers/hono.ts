// Hono on @hono/node-server with its defaults (lightweight Request/Response, incoming cleanup on),
// validated by hono/validator around the same zod schemas as ours.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { validator } from 'hono/validator'
import { catalogResponse, created, HELLO, Item, UserParams, UserQuery } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

const invalid = { detail: 'Validation failed' }

export async function start(port: number, options: StartOptions = {}): Promise<Started> {
  const app = new Hono()
  app.get('/', (c) => c.json(HELLO))
  app.get(
    '/users/:id',
    validator('param', (value, c) => {
      const r = UserParams.safeParse(value)
      return r.success ? r.data : c.json(invalid, 400)
    }),
    validator('query', (value, c) => {
      const r = UserQuery.safeParse(value)
      return r.success ? r.data : c.json(invalid, 400)
    }),
    (c) => {
      const { id } = c.req.valid('param')
      const { limit, sort } = c.req.valid('query')
      return c.json({ id, limit, sort })
    },
  )
  app.post(
    '/items',
    validator('json', (value, c) => {
      const r = Item.safeParse(value)
      return r.success ? r.data : c.json(invalid, 400)
    }),
    (c) => c.json(created(c.req.valid('json')), 201),
  )
  app.get('/catalog', (c) => {
    const { body, headers } = catalogResponse(c.req.header('accept-encoding'))
    return c.body(body, 200, headers)
  })
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port, hostname: HOST }, () => resolve(s))
  })
  if (options.keepAliveTimeout !== undefined)
    (server as import('node:http').Server).keepAliveTimeout = options.keepAliveTimeout
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return {
    url: `http://${HOST}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as import('node:http').Server).closeAllConnections()
      }),
  }
}
