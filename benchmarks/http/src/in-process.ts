// The app of servers/fasterapi.ts driven in-process: `app.handle()` on an exchange whose body is ready (no
// socket), so a synchronous route answers inside the call. Used by the pipeline benchmark, and checked by
// test/in-process.test.ts against the answers the load benchmark expects over the socket.
import { Readable } from 'node:stream'
import { isDeepStrictEqual } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { SCENARIOS, type Scenario } from './scenarios.ts'
import { app as defineApp } from './servers/fasterapi.ts'

export type Http = typeof import('@fasterapi/http')
export type Futures = typeof import('@fasterapi/futures')
export type Sent = { status: number; headers: Record<string, unknown>; body: string | Uint8Array | null }

export interface Subject {
  label: string
  handle: (scenario: Scenario, sink: (sent: Sent) => void) => void
}

export async function subject(label: string, http: Http, futures: Futures): Promise<Subject> {
  const app = defineApp(http.App)
  await app.startup()
  const { Future } = futures
  // one class, so the pipeline sees a single exchange shape (as with NodeExchange)
  class ReadyExchange {
    readonly remoteAddress = '127.0.0.1'
    headersSent = false
    readonly method: string
    readonly url: string
    readonly headers: Record<string, string>
    readonly body: Buffer
    readonly sink: (sent: Sent) => void
    constructor(
      method: string,
      url: string,
      headers: Record<string, string>,
      body: Buffer,
      sink: (sent: Sent) => void,
    ) {
      this.method = method
      this.url = url
      this.headers = headers
      this.body = body
      this.sink = sink
    }
    readBody() {
      return Future.ready(this.body)
    }
    bodyStream() {
      return Readable.from([this.body])
    }
    send(status: number, headers: Record<string, unknown>, body: string | Uint8Array | null) {
      this.headersSent = true
      this.sink({ status, headers, body })
    }
    pipe(status: number, headers: Record<string, unknown>, source: Readable) {
      this.headersSent = true
      const chunks: Buffer[] = []
      source.on('data', (c: Buffer) => chunks.push(c))
      source.on('end', () => this.sink({ status, headers, body: Buffer.concat(chunks) }))
    }
    onAbort() {}
    onDone() {}
  }
  const prepared = new Map<Scenario, { headers: Record<string, string>; body: Buffer }>()
  for (const s of SCENARIOS) {
    const body = Buffer.from(s.body ?? '')
    const headers: Record<string, string> = { host: '127.0.0.1', ...s.headers }
    if (s.body !== undefined) headers['content-length'] = String(body.length)
    prepared.set(s, { headers, body })
  }
  return {
    label,
    handle(s, sink) {
      const p = prepared.get(s)!
      app.handle(new ReadyExchange(s.method, s.path, p.headers, p.body, sink) as never)
    },
  }
}

// proves the in-process answer is the one the load benchmark checks over the socket
export function check(who: Subject, s: Scenario): void {
  let sent: Sent | undefined
  who.handle(s, (r) => (sent = r))
  if (sent === undefined) throw new Error(`${who.label} ${s.name}: no synchronous answer`)
  const raw = typeof sent.body === 'string' ? Buffer.from(sent.body) : Buffer.from(sent.body ?? [])
  const text = (sent.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')
  if (sent.status !== s.expect.status || !isDeepStrictEqual(JSON.parse(text), s.expect.json))
    throw new Error(`${who.label} ${s.name}: ${sent.status} ${text.slice(0, 120)}`)
}
