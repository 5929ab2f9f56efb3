// WebSocket routes on the `ws` library: the handshake runs through the same validation, dependencies and
// error answers as an HTTP route (a refused handshake gets a real HTTP status), then the handler gets a
// WebSocketConnection with backpressured sends, async iteration, ping/pong liveness and rooms.
import {
  type IncomingMessage,
  type OutgoingHttpHeaders,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http'
import type { Duplex } from 'node:stream'
import { defaultReactor, Future, whenAll } from '@fasterapi/futures'
import type { WebSocket, WebSocketServer } from 'ws'
import type { RequestContext } from './context.ts'
import type { Exchange, ResponseBody } from './exchange.ts'
import { readLimited } from './exchange.ts'
import { wsModule } from './internal/lazy.ts'

export interface WebSocketOptions {
  /** Subprotocols the route speaks, in preference order; a client offering none of them is refused. */
  subprotocols?: readonly string[]
  /** Largest message in bytes; a bigger one closes the connection with 1009. @default 1 MiB */
  maxPayload?: number
  /** permessage-deflate for messages of at least `threshold` bytes; `false` to never negotiate it. @default { threshold: 1024 } */
  compression?: false | { threshold: number }
  /** Ping interval in ms; a peer that has not answered the previous ping by the next one is dropped. @default 30_000 */
  pingInterval?: number
}

export type Message = string | Buffer

export interface CloseInfo {
  code: number
  reason: string
}

/** One accepted WebSocket. */
export class WebSocketConnection {
  readonly request: RequestContext
  readonly #ws: WebSocket
  readonly #threshold: number
  readonly #closed = Future.withResolvers<CloseInfo>()
  readonly #controller = new AbortController()
  #queue: Message[] = []
  #waiting: ((r: IteratorResult<Message>) => void) | undefined
  #listeners: ((message: Message) => void)[] = []

  constructor(ws: WebSocket, request: RequestContext, compressionThreshold = Number.POSITIVE_INFINITY) {
    this.#ws = ws
    this.request = request
    this.#threshold = compressionThreshold
    ws.on('message', (data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean) => {
      const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      const message: Message = isBinary ? raw : raw.toString('utf8')
      for (const listener of this.#listeners) listener(message)
      if (this.#waiting !== undefined) {
        const waiting = this.#waiting
        this.#waiting = undefined
        waiting({ value: message, done: false })
      } else if (this.#listeners.length === 0) this.#queue.push(message)
    })
    // protocol errors (an oversized or malformed frame) are followed by a close with their code: the
    // connection reports that close; without a listener the error would crash the process
    ws.on('error', () => {})
    ws.once('close', (code: number, reason: Buffer) => {
      this.#controller.abort(new Error(`WebSocket closed (${code})`))
      this.#closed.resolve({ code, reason: reason.toString('utf8') })
      this.#waiting?.({ value: undefined, done: true })
      this.#waiting = undefined
    })
  }

  /** The negotiated subprotocol ('' for none). */
  get protocol(): string {
    return this.#ws.protocol
  }
  /** The negotiated extensions, e.g. 'permessage-deflate'. */
  get extensions(): string {
    return this.#ws.extensions
  }
  /** Bytes queued for the socket but not yet written. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount
  }
  /** Aborts when the connection closes. */
  get signal(): AbortSignal {
    return this.#controller.signal
  }
  /** Settles with the close code and reason. */
  get closed(): Future<CloseInfo> {
    return this.#closed.future
  }
  get isOpen(): boolean {
    return this.#ws.readyState === 1
  }

  /**
   * Sends text, bytes, or any other value as JSON text. The future settles when the frame is written to the
   * socket: awaiting each send is the backpressure a slow reader needs.
   */
  send(data: unknown): Future<void> {
    // a fire-and-forget send to a peer that just vanished must not become an unhandled rejection that ends
    // the process: the failure stays observable to whoever awaits, and is marked handled for everyone else
    if (this.#ws.readyState !== 1) return handled(Future.failed(new Error('WebSocket is not open')))
    const payload = typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data)
    const { future, resolve, reject } = Future.withResolvers<void>()
    // ws applies permessage-deflate's threshold only without context takeover, so the route's threshold is
    // applied here, per message
    const size =
      typeof payload === 'string'
        ? payload.length * 3 < this.#threshold
          ? 0
          : Buffer.byteLength(payload)
        : payload.byteLength
    this.#ws.send(payload, { compress: size >= this.#threshold }, (error) => (error ? reject(error) : resolve()))
    return handled(future)
  }

  /** Closes with `code` (1000 normal, 1001 going away, 1008 policy, 4000–4999 yours). */
  close(code = 1000, reason = ''): void {
    this.#ws.close(code, reason)
  }

  /** Calls `listener` for every message (messages then no longer queue for iteration). */
  onMessage(listener: (message: Message) => void): void {
    this.#listeners.push(listener)
  }

  /** `for await (const message of connection)` until it closes. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: () => {
        const queued = this.#queue.shift()
        if (queued !== undefined) return Promise.resolve({ value: queued, done: false })
        if (this.#ws.readyState > 1) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => (this.#waiting = resolve))
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
    }
  }

  /** @internal */
  get _raw(): WebSocket {
    return this.#ws
  }
}

function handled<T>(future: Future<T>): Future<T> {
  future.catch(() => {})
  return future
}

/** A named group of connections for broadcasts; members leave when they close. */
export class Room {
  readonly name: string
  readonly #members = new Set<WebSocketConnection>()

  constructor(name: string) {
    this.name = name
  }

  get size(): number {
    return this.#members.size
  }

  join(connection: WebSocketConnection): void {
    this.#members.add(connection)
    connection.closed.then(() => this.#members.delete(connection))
  }

  leave(connection: WebSocketConnection): void {
    this.#members.delete(connection)
  }

  /**
   * Sends to every open member (but `except`), the payload encoded once for all; settles with how many
   * members the frame was written to once every write finished.
   */
  broadcast(data: unknown, options: { except?: WebSocketConnection } = {}): Future<number> {
    const payload = typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data)
    const sends: Future<boolean>[] = []
    for (const member of this.#members) {
      if (member !== options.except && member.isOpen) {
        sends.push(
          member.send(payload).then(
            () => true,
            () => false,
          ),
        )
      }
    }
    return whenAll(sends).then((written) => written.filter(Boolean).length)
  }
}

/**
 * The handshake as an exchange: an accepted route takes it over (see websocket-route.ts); any other answer
 * is written as plain HTTP and closes.
 */
export class UpgradeExchange implements Exchange {
  readonly req: IncomingMessage
  readonly socket: Duplex
  readonly head: Buffer
  #done: (() => void)[] = []
  headersSent = false

  constructor(req: IncomingMessage, socket: Duplex, head: Buffer) {
    this.req = req
    this.socket = socket
    this.head = head
  }

  get method() {
    return this.req.method ?? 'GET'
  }
  get url() {
    return this.req.url ?? '/'
  }
  get headers() {
    return this.req.headers
  }
  get remoteAddress() {
    return (this.socket as Duplex & { remoteAddress?: string }).remoteAddress
  }

  readBody(limit: number) {
    return readLimited(this.req, this.req.headers, limit)
  }
  bodyStream() {
    return this.req
  }

  send(status: number, headers: OutgoingHttpHeaders, body: ResponseBody): void {
    // written by hand, so checked as node:http checks what it writes: a CR/LF in a value (e.g. from an
    // HTTPException built out of request data) throws here, before a byte is out, and becomes a 500
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\nconnection: close\r\n`
    for (const k in headers) {
      const v = headers[k]
      if (k === 'connection' || v === undefined) continue
      validateHeaderName(k)
      for (const one of Array.isArray(v) ? v : [v]) {
        validateHeaderValue(k, String(one))
        head += `${k}: ${one}\r\n`
      }
    }
    this.headersSent = true
    const text = body === null ? '' : typeof body === 'string' ? body : Buffer.from(body).toString('utf8')
    this.socket.end(`${head}\r\n${text}`)
    this.finish()
  }

  pipe(status: number, headers: OutgoingHttpHeaders): void {
    this.send(status, headers, null)
  }

  onAbort(listener: () => void): void {
    this.socket.once('close', listener)
  }

  onDone(listener: () => void): void {
    this.#done.push(listener)
  }

  /** Runs the done listeners: after a refusal, or when the WebSocket closes. */
  finish(): void {
    const done = this.#done
    this.#done = []
    for (const listener of done) listener()
  }
}

export interface WebSocketServerOptions {
  maxPayload: number
  compression: false | { threshold: number }
  subprotocols: readonly string[] | undefined
}

/**
 * The route's WebSocketServer, created on the first upgrade; `ws` starts loading when the route is declared,
 * so only an app with a WebSocket route ever loads it.
 */
export function webSocketServer(options: WebSocketServerOptions): () => WebSocketServer | Promise<WebSocketServer> {
  void wsModule.load().catch(() => {}) // a failure surfaces at the first upgrade
  let server: WebSocketServer | undefined
  const create = ({ WebSocketServer }: typeof import('ws')) =>
    (server ??= new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.compression === false ? false : { threshold: options.compression.threshold },
      clientTracking: false,
      ...(options.subprotocols !== undefined && {
        handleProtocols: (offered: Set<string>) => options.subprotocols!.find((p) => offered.has(p)) ?? false,
      }),
    }))
  return () => {
    if (server !== undefined) return server
    const ws = wsModule.get()
    return ws !== undefined ? create(ws) : wsModule.load().then(create)
  }
}

/** Pings every `interval` ms on the shared timer wheel; a peer silent since the last ping is terminated. */
export function keepAlive(connection: WebSocketConnection, interval: number): void {
  const ws = connection._raw
  let alive = true
  ws.on('pong', () => {
    alive = true
  })
  const timer = defaultReactor().timers.schedule(interval, function tick() {
    if (ws.readyState !== 1) return
    if (!alive) {
      ws.terminate()
      return
    }
    alive = false
    ws.ping()
    timer.refresh()
  })
  ws.once('close', () => timer.cancel())
}
