// Runs one request through the app in-process: middleware, validation, dependencies, the handler and error
// handling run exactly as for HTTP, with no socket. The exchange is a NodeExchange over a request stream and a
// response stream of our own, because event-stream routes only open on a NodeExchange today (see README:
// "What we need from @fasterapi/http"); the response stream reports every chunk as it is written, so an SSE
// route or a streamed body reaches the caller while it runs, and destroying it aborts the route's signal.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { Readable, Writable } from 'node:stream'
import { type App, NodeExchange } from '@fasterapi/http'

export interface RouteRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer | undefined
}

export interface RouteResult {
  status: number
  headers: OutgoingHttpHeaders
  body: Buffer
}

export interface RouteRun {
  /** Settles once the response is complete; a cancelled run settles with what had arrived. */
  result: Promise<RouteResult>
  /** Aborts the route's `signal` (as a client that goes away does). */
  cancel(): void
}

/** Called with each chunk of a response that arrives in parts (an event stream, a streamed body). */
export type OnChunk = (chunk: Buffer, headers: OutgoingHttpHeaders) => void

// What NodeExchange and SseSession use of a ServerResponse: writeHead, write/end, 'close', headersSent.
class CapturedResponse extends Writable {
  statusCode = 200
  headers: OutgoingHttpHeaders = {}
  headersSent = false
  readonly chunks: Buffer[] = []
  readonly #onChunk: OnChunk | undefined
  #streaming = false

  constructor(onChunk: OnChunk | undefined) {
    super({ highWaterMark: 1 << 20 })
    this.#onChunk = onChunk
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status
    const lower: OutgoingHttpHeaders = {}
    for (const [k, v] of Object.entries(headers ?? {})) lower[k.toLowerCase()] = v
    this.headers = lower
    this.headersSent = true
    return this
  }

  override write(chunk: any, encoding?: any, cb?: any): boolean {
    this.#streaming = true // a body written in parts, not by a single end(body)
    return super.write(chunk, encoding, cb)
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.chunks.push(bytes)
    if (this.#streaming && this.#onChunk !== undefined) this.#onChunk(bytes, this.headers)
    callback()
  }
}

/** Starts `request` through `app`; `onChunk` sees the parts of a streamed response as they are written. */
export function runRoute(app: App, request: RouteRequest, onChunk?: OnChunk): RouteRun {
  const body = request.body ?? Buffer.alloc(0)
  const headers: IncomingHttpHeaders = { ...request.headers }
  if (request.body !== undefined) headers['content-length'] = String(body.length)
  // one push of the whole body (Readable.from() would go through an async iterator for every call)
  const stream = new Readable({
    read() {
      if (body.length > 0) this.push(body)
      this.push(null)
    },
  })
  const req = Object.assign(stream, {
    method: request.method,
    url: request.url,
    headers,
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    socket: { remoteAddress: '127.0.0.1' },
  })
  const res = new CapturedResponse(onChunk)
  const result = new Promise<RouteResult>((resolve) => {
    res.once('close', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(res.chunks) }))
  })
  app.handle(new NodeExchange(req as never, res as never))
  return {
    result,
    cancel: () => {
      if (!res.writableEnded) res.destroy()
    },
  }
}
