// `app.inject()`: one request in-process, without a socket (like light-my-request); event streams are
// collected until they end.
import type { IncomingHttpHeaders } from 'node:http'
import { InjectExchange } from './exchange.ts'

export interface InjectOptions {
  method?: string
  url: string
  headers?: Record<string, string>
  /** A string or bytes is sent as is; anything else as JSON (with its content-type). */
  body?: unknown
}

export interface InjectResponse {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  /** The body decoded as UTF-8; `rawBody` holds the bytes. */
  body: string
  rawBody: Buffer
  json<T = any>(): T
  /** Settles once the request is over: dependency cleanups (code after `yield`) have run. */
  finished: Promise<void>
}

export async function inject(
  app: { startup(): Promise<void>; handle(ex: InjectExchange): void },
  options: InjectOptions | string,
): Promise<InjectResponse> {
  const opts = typeof options === 'string' ? { url: options } : options
  await app.startup()
  const headers: IncomingHttpHeaders = {}
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v
  let body = Buffer.alloc(0)
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || opts.body instanceof Uint8Array) body = Buffer.from(opts.body)
    else {
      body = Buffer.from(JSON.stringify(opts.body))
      headers['content-type'] ??= 'application/json'
    }
    headers['content-length'] ??= String(body.length)
  }
  const ex = new InjectExchange((opts.method ?? 'GET').toUpperCase(), opts.url, headers, body)
  app.handle(ex)
  const r = await ex.result
  const text = r.body.toString('utf8')
  return {
    status: r.status,
    headers: r.headers,
    body: text,
    rawBody: r.body,
    json: () => JSON.parse(text),
    finished: ex.finished,
  }
}
