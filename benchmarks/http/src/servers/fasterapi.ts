// Ours: @fasterapi/http with zod schemas and its own compression (zstd, br, gzip negotiated; 1 KiB
// threshold), served by its own listen() (limits and timeouts on).
import { App, listen } from '@fasterapi/http'
import { CATALOG, created, HELLO, Item, UserQuery } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

export function app(): App {
  const app = new App({ compression: true })
  app.get('/', () => HELLO)
  app.get('/users/{id:int}', { query: UserQuery }, ({ params, query }) => ({
    id: params.id,
    limit: query.limit,
    sort: query.sort,
  }))
  app.post('/items', { body: Item, status: 201 }, ({ body }) => created(body))
  app.get('/catalog', () => CATALOG)
  return app
}

export async function start(port: number, options: StartOptions = {}): Promise<Started> {
  const server = await listen(app(), {
    port,
    host: HOST,
    ...(options.keepAliveTimeout !== undefined && { keepAliveTimeout: options.keepAliveTimeout }),
  })
  return { url: server.url, close: () => server.close() }
}
