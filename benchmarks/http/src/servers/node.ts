// The ceiling: node:http with hand-written routing and validation, no framework at all.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parse as parseQuery } from 'node:querystring'
import { CURRENCIES, catalogResponse, created, HELLO, type Item, LIMIT_MAX, LIMIT_MIN, SORTS } from '../scenarios.ts'
import { HOST, type Started, type StartOptions } from './types.ts'

const BODY_LIMIT = 1024 * 1024

type Answer = [status: number, body: string]

const refusal = (status: number, detail: string): Answer => [status, JSON.stringify({ detail })]

function send(res: ServerResponse, [status, body]: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function isItem(v: any): v is Item {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const { name, price, currency, quantity, tags, description } = v
  if (typeof name !== 'string' || name.length < 1 || name.length > 100) return false
  if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) return false
  if (!(CURRENCIES as readonly unknown[]).includes(currency)) return false
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) return false
  if (!Array.isArray(tags) || tags.length > 10) return false
  for (const t of tags) if (typeof t !== 'string' || t.length < 1 || t.length > 32) return false
  return typeof description === 'string' && description.length <= 500
}

function user(id: string, search: string): Answer {
  if (!isDigits(id)) return refusal(400, 'id must be an integer')
  const q = parseQuery(search)
  const limitText = q.limit
  const limit = typeof limitText === 'string' && limitText !== '' ? Number(limitText) : Number.NaN
  if (!Number.isInteger(limit) || limit < LIMIT_MIN || limit > LIMIT_MAX) return refusal(400, 'bad limit')
  const sort = q.sort
  if (typeof sort !== 'string' || !(SORTS as readonly string[]).includes(sort)) return refusal(400, 'bad sort')
  return [200, JSON.stringify({ id: Number(id), limit, sort })]
}

function item(raw: Buffer): Answer {
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch {
    return refusal(400, 'malformed JSON')
  }
  if (!isItem(value)) return refusal(400, 'invalid item')
  return [201, JSON.stringify(created(value))]
}

function postItem(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers['content-type']?.startsWith('application/json')) {
    send(res, refusal(415, 'expected JSON'))
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= BODY_LIMIT) chunks.push(chunk)
  })
  req.on('end', () => {
    send(res, size > BODY_LIMIT ? refusal(413, 'body too large') : item(Buffer.concat(chunks, size)))
  })
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  if (req.method === 'GET' && path === '/') send(res, [200, JSON.stringify(HELLO)])
  else if (req.method === 'GET' && path.startsWith('/users/'))
    send(res, user(path.slice(7), q === -1 ? '' : url.slice(q + 1)))
  else if (req.method === 'GET' && path === '/catalog') {
    const { body, headers } = catalogResponse(req.headers['accept-encoding'])
    res.writeHead(200, { ...headers, 'content-length': body.length })
    res.end(body)
  } else if (req.method === 'POST' && path === '/items') postItem(req, res)
  else send(res, refusal(404, 'Not Found'))
}

export async function start(port: number, options: StartOptions = {}): Promise<Started> {
  const server = createServer(handle)
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve))
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://${HOST}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
