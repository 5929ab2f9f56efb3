// Express 5 with etag and x-powered-by off (no other server sends them), express.json() for the body
// and the same zod schemas as ours; errors answered as JSON.
import type { Server } from 'node:http'
import express, { type NextFunction, type Request, type Response } from 'express'
import { catalogResponse, created, HELLO, Item, UserParams, UserQuery } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

const invalid = { detail: 'Validation failed' }

export async function start(port: number, options: StartOptions = {}): Promise<Started> {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.get('/', (_req, res) => {
    res.json(HELLO)
  })
  app.get('/users/:id', (req, res) => {
    const params = UserParams.safeParse(req.params)
    const query = UserQuery.safeParse(req.query)
    if (!params.success || !query.success) {
      res.status(400).json(invalid)
      return
    }
    res.json({ id: params.data.id, limit: query.data.limit, sort: query.data.sort })
  })
  app.post('/items', express.json(), (req, res) => {
    const r = Item.safeParse(req.body)
    if (!r.success) {
      res.status(400).json(invalid)
      return
    }
    res.status(201).json(created(r.data))
  })
  app.get('/catalog', (req, res) => {
    const { body, headers } = catalogResponse(req.headers['accept-encoding'])
    res.set(headers).end(body)
  })
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error.status === 'number' && error.status >= 400 ? error.status : 500
    res.status(status).json({ detail: status === 500 ? 'Internal Server Error' : 'Bad Request' })
  })
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, HOST, () => resolve(s))
  })
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return {
    url: `http://${HOST}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
