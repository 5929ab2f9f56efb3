// A test client on a real ephemeral port, speaking through the platform's fetch (undici): for tests
// that need the socket path (timeouts, streaming, keep-alive) where app.inject() is not enough.
import type { App } from './app.ts'
import { type ListenOptions, listen, type RunningServer } from './server.ts'

export interface TestRequestOptions {
  headers?: Record<string, string>
  query?: Record<string, string | number | boolean>
  /** Sent as JSON. */
  json?: unknown
  /** Sent as is (a FormData is sent as multipart). */
  body?: string | Uint8Array | FormData | URLSearchParams
  signal?: AbortSignal
}

export interface TestClientResponse {
  status: number
  headers: Headers
  text: string
  json<T = any>(): T
}

/**
 * @example
 * await using client = await TestClient.start(app)
 * const r = await client.post('/items', { json: { name: 'pen', price: 2 } })
 * expect(r.status).toBe(201)
 */
export class TestClient {
  readonly server: RunningServer
  readonly url: string

  private constructor(server: RunningServer) {
    this.server = server
    this.url = server.url
  }

  /** Starts `app` on a free loopback port (startup hooks included). */
  static async start(app: App, options: Omit<ListenOptions, 'port' | 'workers'> = {}): Promise<TestClient> {
    return new TestClient(await listen(app, { ...options, port: 0, host: '127.0.0.1' }))
  }

  async request(method: string, path: string, options: TestRequestOptions = {}): Promise<TestClientResponse> {
    const url = new URL(path, this.url)
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.append(k, String(v))
    const headers = new Headers(options.headers)
    let body = options.body
    if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    }
    const res = await fetch(url, {
      method,
      headers,
      body: body as RequestInit['body'],
      redirect: 'manual',
      ...(options.signal && { signal: options.signal }),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) }
  }

  get(path: string, options?: TestRequestOptions) {
    return this.request('GET', path, options)
  }
  post(path: string, options?: TestRequestOptions) {
    return this.request('POST', path, options)
  }
  put(path: string, options?: TestRequestOptions) {
    return this.request('PUT', path, options)
  }
  patch(path: string, options?: TestRequestOptions) {
    return this.request('PATCH', path, options)
  }
  delete(path: string, options?: TestRequestOptions) {
    return this.request('DELETE', path, options)
  }

  /** Graceful close, shutdown hooks included. */
  close(): Promise<void> {
    return this.server.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
