// Runs one request through the app in-process: middleware, validation, dependencies, the handler and error
// handling run exactly as for HTTP, with no socket. The exchange is a NodeExchange over a request stream and a
// response stream of our own, because event-stream routes only open on a NodeExchange today (see README:
// "What we need from @fasterapi/http"); the response stream reports every chunk as it is written, so an SSE
// route or a streamed body reaches the caller while it runs, and destroying it aborts the route's signal.

import { EventEmitter } from 'node:events'
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
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

// What NodeExchange, SseSession and Readable.pipe use of a ServerResponse: writeHead, write/end/destroy, the
// 'close'/'finish' events, headersSent, writableEnded. A plain emitter, not a Writable: a Writable's buffering
// and its several ticks to 'close' cost more than the route they carry (profiled per in-process call).
class CapturedResponse extends EventEmitter {
  statusCode = 200
  headers: OutgoingHttpHeaders = {}
  headersSent = false
  writableEnded = false
  destroyed = false
  readonly writableLength = 0 // every write is taken at once: nothing is ever queued
  readonly chunks: Buffer[] = []
  readonly #onChunk: OnChunk | undefined

  constructor(onChunk: OnChunk | undefined) {
    super()
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

  // a body written in parts (an event stream, a piped stream): each part is reported as it comes
  write(chunk: Buffer | string, encoding?: unknown, callback?: () => void): boolean {
    if (this.writableEnded || this.destroyed) return false
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    this.chunks.push(bytes)
    this.#onChunk?.(bytes, this.headers)
    const cb = typeof encoding === 'function' ? encoding : callback
    if (typeof cb === 'function') cb()
    return true
  }

  end(chunk?: Buffer | string | (() => void), encoding?: unknown, callback?: () => void): this {
    if (this.writableEnded || this.destroyed) return this
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    }
    this.writableEnded = true
    const cb = typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : callback
    process.nextTick(() => {
      this.emit('finish')
      this.emit('close')
      if (typeof cb === 'function') cb()
    })
    return this
  }

  destroy(): this {
    if (this.destroyed) return this
    this.destroyed = true
    process.nextTick(() => this.emit('close'))
    return this
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
