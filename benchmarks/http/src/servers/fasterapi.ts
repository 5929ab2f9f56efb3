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

export function start(port: number, options: StartOptions = {}): Promise<Started> {
  return serve({ App, listen }, port, options)
}

/**
 * The same app built from the @fasterapi/http of another checkout (`root`, e.g. a `git archive` of the commit
 * before a change), so one run can load the code before and after it in interleaved rounds.
 */
export async function startFrom(root: string, port: number, options: StartOptions = {}): Promise<Started> {
  return serve((await import(`${root}/packages/http/src/index.ts`)) as typeof import('@fasterapi/http'), port, options)
}

async function serve(
  http: Pick<typeof import('@fasterapi/http'), 'App' | 'listen'>,
  port: number,
  options: StartOptions,
): Promise<Started> {
  const server = await http.listen(app(http.App), {
    port,
    host: HOST,
    ...(options.keepAliveTimeout !== undefined && { keepAliveTimeout: options.keepAliveTimeout }),
  })
  return { url: server.url, close: () => server.close() }
}
