// The transport seen by the request pipeline: one request in, one response out. `NodeExchange` wraps
// node:http (and the node:http2 compatibility API, which has the same shape); `app.inject()` has its own.
import {
  type IncomingHttpHeaders,
  IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import { Readable, Writable } from 'node:stream'
import { Future, Resolver } from '@fasterapi/futures'
import type { EventStreamResponse } from '@fasterapi/sse'
import { HTTPException } from './errors.ts'

export type ResponseBody = string | Uint8Array | null

export interface Exchange {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly remoteAddress: string | undefined
  /** The whole body, at most `limit` bytes (413 beyond). Empty when the request has none. */
  readBody(limit: number): Future<Buffer>
  /** The body as a stream, for multipart and streaming handlers. */
  bodyStream(): Readable
  send(status: number, headers: OutgoingHttpHeaders, body: ResponseBody): void
  pipe(status: number, headers: OutgoingHttpHeaders, source: Readable): void
  /** Calls `listener` once if the client goes away before the response is complete. */
  onAbort(listener: () => void): void
  /** Calls `listener` once the response is complete or the exchange is torn down. */
  onDone(listener: () => void): void
  readonly headersSent: boolean
  /** Where an event stream writes (head, then chunks until end); a transport without one cannot serve SSE. */
  eventSink?(): EventStreamResponse
  /** Work started by a done listener (dependency cleanups) that the exchange's owner may await. */
  waitFor?(work: PromiseLike<unknown>): void
}

const EMPTY = Buffer.alloc(0)

// invariant: at most `limit` bytes are ever buffered; past it the request is refused with 413
// HTTP/1.1 without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3); HTTP/2 frames say
// so themselves, so `framed` streams are always read
export function readLimited(
  stream: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
  framed = false,
): Future<Buffer> {
  const declared = headers['content-length']
  if (declared !== undefined && Number(declared) > limit) return Future.failed(tooLarge(limit))
  if (!framed && declared === undefined && headers['transfer-encoding'] === undefined) return Future.ready(EMPTY)
  if (declared === '0') return Future.ready(EMPTY)
  const reader = new BodyReader(stream, limit)
  const listener = (arg?: unknown) => reader.on(arg)
  stream.on('data', listener)
  stream.on('end', listener)
  // 'close' before 'end' covers a client gone and a broken body alike; the error itself is read off the stream
  stream.on('close', listener)
  // node:http's IncomingMessage drops a body error that has no listener and then closes (measured); any other
  // stream could throw it as uncaught, so it gets an 'error' listener too
  if (!(stream instanceof IncomingMessage)) stream.on('error', listener)
  return reader.future
}

// One object and one listener closure per body. The listener is never removed: after the future settled it
// ignores the 'close' that follows 'end' (the request object is dropped with its listeners), and after a 413
// it lets the rest drain without keeping it.
class BodyReader extends Resolver<Buffer> {
  readonly stream: Readable
  readonly limit: number
  chunks: Buffer[] = []
  size = 0

  constructor(stream: Readable, limit: number) {
    super()
    this.stream = stream
    this.limit = limit
  }

  // invariant: a Buffer is a 'data' chunk; no argument with the stream ended is 'end'; anything else is
  // 'close' (or 'error') before the end
  on(arg: unknown): void {
    if (this.settled) return
    if (typeof arg === 'string') arg = Buffer.from(arg) // a stream with an encoding set
    if (arg instanceof Uint8Array) {
      const size = (this.size += arg.length)
      if (size > this.limit) {
        this.chunks = []
        this.stream.resume() // drain the rest so the socket can carry the 413
        this.reject(tooLarge(this.limit))
      } else this.chunks.push(arg as Buffer)
      return
    }
    const stream = this.stream
    if (arg === undefined && stream.readableEnded) {
      const chunks = this.chunks
      this.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.size))
      return
    }
    const cause = arg instanceof Error ? arg : (stream.errored ?? new Error('the client closed the connection'))
    this.reject(new HTTPException(400, `Request body could not be read: ${cause.message}`, undefined, { cause }))
  }
}

function tooLarge(limit: number): HTTPException {
  return new HTTPException(413, `Request body is larger than ${limit} bytes`, { connection: 'close' })
}

type NodeRequest = IncomingMessage | Http2ServerRequest
type NodeResponse = ServerResponse | Http2ServerResponse

export class NodeExchange implements Exchange {
  readonly req: NodeRequest
  readonly res: NodeResponse

  constructor(req: NodeRequest, res: NodeResponse) {
    this.req = req
    this.res = res
  }

  get method(): string {
    return this.req.method ?? 'GET'
  }
  get url(): string {
    return this.req.url ?? '/'
  }
  get headers(): IncomingHttpHeaders {
    return this.req.headers
  }
  get remoteAddress(): string | undefined {
    return this.req.socket?.remoteAddress
  }
  get headersSent(): boolean {
    return this.res.headersSent
  }

  readBody(limit: number): Future<Buffer> {
    return readLimited(this.req as Readable, this.req.headers, limit, this.req.httpVersionMajor === 2)
  }

  bodyStream(): Readable {
    return this.req as Readable
  }

  send(status: number, headers: OutgoingHttpHeaders, body: ResponseBody): void {
    const res = this.res as ServerResponse
    if (this.req.httpVersionMajor === 2) delete headers.connection // connection-specific: forbidden in HTTP/2 (RFC 9113 §8.2.2)
    res.writeHead(status, headers)
    if (body === null) res.end()
    else res.end(body)
  }

  eventSink(): EventStreamResponse {
    return this.res
  }

  pipe(status: number, headers: OutgoingHttpHeaders, source: Readable): void {
    const res = this.res as ServerResponse
    if (this.req.httpVersionMajor === 2) delete headers.connection
    res.writeHead(status, headers)
    source.on('error', () => res.destroy())
    res.on('close', () => {
      if (!source.destroyed) source.destroy()
    })
    source.pipe(res)
  }

  // watched from the first use of the request's signal: a client gone before then is reported at once
  onAbort(listener: () => void): void {
    const res = this.res as ServerResponse
    if (res.writableEnded) return
    if (res.destroyed || res.closed) {
      listener()
      return
    }
    res.once('close', () => {
      if (!res.writableEnded) listener()
    })
  }

  onDone(listener: () => void): void {
    ;(this.res as ServerResponse).once('close', listener)
  }
}

/** The in-process exchange of `app.inject()`: the request is data, the response is collected. */
export class InjectExchange implements Exchange {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly remoteAddress = '127.0.0.1'
  readonly #body: Buffer
  #done: (() => void)[] = []
  readonly result: Future<{ status: number; headers: OutgoingHttpHeaders; body: Buffer }>
  readonly #resolve: (value: { status: number; headers: OutgoingHttpHeaders; body: Buffer }) => void
  headersSent = false

  constructor(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer) {
    this.method = method
    this.url = url
    this.headers = headers
    this.#body = body
    const { future, resolve } = Future.withResolvers<{ status: number; headers: OutgoingHttpHeaders; body: Buffer }>()
    this.result = future
    this.#resolve = resolve
  }

  readBody(limit: number): Future<Buffer> {
    return readLimited(Readable.from(this.#body.length > 0 ? [this.#body] : []), this.headers, limit)
  }

  bodyStream(): Readable {
    return Readable.from(this.#body.length > 0 ? [this.#body] : [])
  }

  send(status: number, headers: OutgoingHttpHeaders, body: ResponseBody): void {
    const checked = lowerCase(headers)
    this.headersSent = true
    const bytes = body === null ? EMPTY : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)
    this.#resolve({ status, headers: checked, body: bytes })
    this.#finish()
  }

  pipe(status: number, headers: OutgoingHttpHeaders, source: Readable): void {
    const checked = lowerCase(headers)
    this.headersSent = true
    const chunks: Buffer[] = []
    source.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)))
    source.on('end', () => {
      this.#resolve({ status, headers: checked, body: Buffer.concat(chunks) })
      this.#finish()
    })
    source.on('error', () => {
      // like a socket torn down mid-body: the client sees what arrived before the error
      this.#resolve({ status, headers: checked, body: Buffer.concat(chunks) })
      this.#finish()
    })
  }

  /** Collects the stream in memory; the injected response resolves when the stream ends. */
  eventSink(): EventStreamResponse {
    const chunks: Buffer[] = []
    const sink = new InjectEventSink(chunks)
    this.headersSent = true
    const done = () => {
      this.#resolve({ status: sink.status, headers: lowerCase(sink.headers), body: Buffer.concat(chunks) })
      this.#finish()
    }
    sink.once('close', done)
    return sink as unknown as EventStreamResponse
  }

  onAbort(): void {
    // an injected request has no client that could go away
  }

  onDone(listener: () => void): void {
    this.#done.push(listener)
  }

  readonly #pending: PromiseLike<unknown>[] = []
  #finished: (() => void) | undefined
  /** Settles once the response is complete and every cleanup its done listeners started has finished. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.#finished = resolve))

  waitFor(work: PromiseLike<unknown>): void {
    this.#pending.push(work)
  }

  #finish(): void {
    const done = this.#done
    this.#done = []
    for (const listener of done) listener()
    void Promise.allSettled(this.#pending).then(() => this.#finished!())
  }
}

// What an SseSession needs of a ServerResponse: a head, then writes until end (or destroy); 'close' follows
class InjectEventSink extends Writable {
  status = 200
  headers: OutgoingHttpHeaders = {}
  constructor(chunks: Buffer[]) {
    super({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(Buffer.from(chunk))
        callback()
      },
    })
  }
  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    this.status = status
    this.headers = headers
    return this
  }
}

// the same checks node:http applies before writing (no CR/LF injection), then lower-cased names
function lowerCase(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const key in headers) {
    const value = headers[key]
    validateHeaderName(key)
    if (Array.isArray(value)) for (const v of value) validateHeaderValue(key, v)
    else if (value !== undefined) validateHeaderValue(key, String(value))
    out[key.toLowerCase()] = value
  }
  return out
}
