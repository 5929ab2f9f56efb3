// Ours: @fasterapi/http with zod schemas and its own compression (zstd, br, gzip negotiated; 1 KiB
// threshold), served by its own listen() (limits and timeouts on).
import { App, listen } from '@fasterapi/http'
import { CATALOG, created, HELLO, Item, UserQuery } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

/** The benchmark's app; `AppClass` lets the in-process pipeline benchmark build it from another checkout. */
export function app(AppClass: typeof App = App): App {
  const app = new AppClass({ compression: true })
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
