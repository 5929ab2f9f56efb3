// Every HTTP behaviour is checked twice: in-process through app.inject() and over a real socket with
// undici (h3's describeMatrix idea).
import { request } from 'undici'
import { type App, listen } from '../../src/index.ts'

export interface TestResponse {
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
  rawBody: Buffer
  json<T = any>(): T
  /** In-process only: settles once dependency cleanups have run. */
  finished?: Promise<void>
}

export interface TestRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: unknown
}

export interface Client {
  request(req: TestRequest): Promise<TestResponse>
  close(): Promise<void>
}

// JSON for plain values; a FormData is encoded as multipart the way fetch does it
async function encode(
  req: TestRequest,
): Promise<{ body: string | Buffer | undefined; headers: Record<string, string> }> {
  const headers = { ...req.headers }
  if (req.body instanceof FormData) {
    const encoded = new globalThis.Response(req.body)
    headers['content-type'] = encoded.headers.get('content-type')!
    return { body: Buffer.from(await encoded.arrayBuffer()), headers }
  }
  if (req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body)) {
    return { body: req.body as string | Buffer | undefined, headers }
  }
  headers['content-type'] ??= 'application/json'
  return { body: JSON.stringify(req.body), headers }
}

async function injectClient(app: App): Promise<Client> {
  return {
    request: async (req) => app.inject({ method: req.method ?? 'GET', url: req.path, ...(await encode(req)) }),
    close: () => app.shutdown(),
  }
}

async function socketClient(app: App): Promise<Client> {
  const server = await listen(app, { port: 0 })
  return {
    async request(req) {
      const { body, headers } = await encode(req)
      const res = await request(`${server.url}${req.path}`, {
        method: (req.method ?? 'GET') as 'GET',
        headers,
        body,
        maxRedirections: 0,
      } as Parameters<typeof request>[1])
      const rawBody = Buffer.from(await res.body.arrayBuffer())
      const text = rawBody.toString('utf8')
      return {
        status: res.statusCode,
        headers: res.headers as TestResponse['headers'],
        body: text,
        rawBody,
        json: () => JSON.parse(text),
      }
    },
    close: () => server.close(),
  }
}

export const transports: [string, (app: App) => Promise<Client>][] = [
  ['inject', injectClient],
  ['socket', socketClient],
]
