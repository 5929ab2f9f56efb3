// The application: routes compiled into a @fasterapi/router tree, middleware, exception handlers,
// dependency overrides and lifecycle hooks. `handle()` runs one exchange from any transport.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { defaultReactor, Future } from '@fasterapi/futures'
import { Router } from '@fasterapi/router'
import { EVENT_STREAM_HEADERS, type SessionOptions, type SseSession } from '@fasterapi/sse'
import { type APIRouter, RouteCollector, type RouterOptions, scoped } from './collector.ts'
import { type CompressionConfig, type CompressionOptions, compressionConfig } from './compression.ts'
import { RequestContext } from './context.ts'
import type { Dependency, Overrides } from './depends.ts'
import { type ErrorFormat, errorResponse } from './error-response.ts'
import { HTTPException, MiddlewareError } from './errors.ts'
import { openEventStream, TakeOverResponse } from './event-stream.ts'
import { type Exchange, InjectExchange, NodeExchange } from './exchange.ts'
import { originForm } from './internal/target.ts'
import { buildOpenAPI, swaggerHtml } from './openapi.ts'
import { Response } from './response.ts'
import {
  argsObject,
  type CompiledRoute,
  compileRoute,
  type HandlerArgs,
  type RouteConfig,
  type RouteDefinition,
} from './route.ts'
import {
  keepAlive,
  Room,
  UpgradeExchange,
  WebSocketConnection,
  type WebSocketOptions,
  webSocketServer,
} from './websocket.ts'
import { writeResponse } from './write.ts'

export interface Logger {
  error(details: object, message?: string): void
  warn?(details: object, message?: string): void
  info?(details: object, message?: string): void
}

export interface AppOptions {
  title?: string
  version?: string
  description?: string
  /** Adds "did you mean" suggestions to 404 bodies. @default false */
  debug?: boolean
  /** Largest accepted request body in bytes. @default 1 MiB */
  bodyLimit?: number
  /** Error bodies as FastAPI's `{"detail": …}` or RFC 9457 problem+json. @default 'fastapi' */
  errorFormat?: ErrorFormat
  /** Where unexpected errors are logged (pino fits). @default console */
  logger?: Logger
  /** Dependencies run for every route. */
  dependencies?: readonly Dependency<unknown>[]
  /** Answer a path that only matches with(out) its trailing slash by a 307 redirect, like Starlette. @default true */
  redirectSlashes?: boolean
  /** Compress responses (zstd, br, gzip) negotiated per request; `true` for the defaults. @default false */
  compression?: boolean | CompressionOptions
  /** Where the OpenAPI document is served; `null` to serve none. @default '/openapi.json' */
  openapiUrl?: string | null
  /** Where Swagger UI is served; `null` for none. @default '/docs' */
  docsUrl?: string | null
  /** Log one structured line per request through `logger.info` (id, method, path, status, ms). @default false */
  logRequests?: boolean
}

/** `(ctx, next)`: call `await next()` to run the rest; return a Response (or set ctx.response) to answer. */
export type Middleware = (ctx: RequestContext, next: () => Future<void>) => unknown

export type ExceptionHandler<E> = (ctx: RequestContext, error: E) => unknown

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

/** A WebSocket route's handler: the validated handshake plus the accepted connection. */
export type WebSocketHandler<P extends string, C extends RouteConfig> = (
  args: HandlerArgs<P, C> & { socket: WebSocketConnection },
) => unknown

/** An event-stream route's handler: send on `sse`, or return an (async) iterable of events. */
export type EventStreamHandler<P extends string, C extends RouteConfig> = (
  args: HandlerArgs<P, C> & { sse: SseSession },
) => unknown

interface WebSocketRoute {
  compiled: CompiledRoute
  accept: (ex: UpgradeExchange, ctx: RequestContext) => void
}

const consoleLogger: Logger = { error: (details, message) => console.error(message ?? 'error', details) }

export class App extends RouteCollector {
  readonly settings: Readonly<AppOptions>
  readonly router: Router<CompiledRoute>
  /** Replace a dependency in tests: `app.dependencyOverrides.set(getDb, Depends(fakeDb))`. */
  readonly dependencyOverrides: Overrides = new Map()
  readonly #middleware: Middleware[] = []
  readonly #handlers = new Map<Function, ExceptionHandler<any>>()
  readonly #startup: (() => unknown)[] = []
  readonly #shutdown: (() => unknown)[] = []
  readonly #lifespans: ((app: App) => AsyncGenerator<unknown, void, unknown>)[] = []
  readonly #running: AsyncGenerator<unknown, void, unknown>[] = []
  #started: Promise<void> | undefined
  readonly #logger: Logger
  readonly #format: ErrorFormat
  readonly #compression: CompressionConfig | undefined
  readonly #logRequests: boolean
  #openapi: Record<string, unknown> | undefined
  readonly #wsRouter = new Router<WebSocketRoute>()
  readonly #sockets = new Set<WebSocketConnection>()
  readonly #rooms = new Map<string, Room>()
  readonly #streams = new Set<SseSession>()

  constructor(options: AppOptions = {}) {
    super()
    this.settings = options
    this.#logger = options.logger ?? consoleLogger
    this.#format = options.errorFormat ?? 'fastapi'
    this.#compression = compressionConfig(options.compression)
    this.#logRequests = options.logRequests === true
    this.router = new Router<CompiledRoute>({
      trailingSlash: options.redirectSlashes === false ? 'strict' : 'redirect',
    })
    const openapiUrl = options.openapiUrl === undefined ? '/openapi.json' : options.openapiUrl
    const docsUrl = options.docsUrl === undefined ? '/docs' : options.docsUrl
    if (openapiUrl !== null) {
      this.get(openapiUrl, { includeInSchema: false }, () => Response.json(this.openapi()))
      if (docsUrl !== null) {
        const html = swaggerHtml(options.title ?? 'FasterAPI', openapiUrl)
        this.get(docsUrl, { includeInSchema: false }, () => Response.html(html))
      }
    }
  }

  /** The OpenAPI 3.1 document of every route (cached until a route is added). */
  openapi(): Record<string, unknown> {
    this.#openapi ??= buildOpenAPI(
      this.settings,
      this.router
        .routes()
        .filter((r) => r.payload.definition.config.includeInSchema !== false)
        .map((r) => ({ method: r.method, pattern: r.pattern, config: r.payload.definition.config })),
    )
    return this.#openapi
  }

  // one compilation for HTTP and WebSocket routes: the app's dependencies run first, then the route's
  #compile(def: RouteDefinition, bodyLimit = this.settings.bodyLimit ?? 1024 * 1024): CompiledRoute {
    const appDeps = this.settings.dependencies ?? []
    const withAppDeps: RouteDefinition =
      appDeps.length === 0
        ? def
        : { ...def, config: { ...def.config, dependencies: [...appDeps, ...(def.config.dependencies ?? [])] } }
    return compileRoute(withAppDeps, {
      bodyLimit,
      overrides: this.dependencyOverrides,
      timeouts: defaultReactor().timers,
    })
  }

  protected addRoute(def: RouteDefinition): void {
    const compiled = this.#compile(def)
    this.#openapi = undefined
    const { name, tags, summary } = def.config
    this.router.add(def.methods, def.path, compiled, { ...(name !== undefined && { name }), meta: { tags, summary } })
  }

  /** Adds the routes of an APIRouter, under an optional extra prefix, tags and dependencies. */
  include(router: APIRouter, options: RouterOptions = {}): this {
    for (const def of scoped(router, options)) this.addRoute(def)
    return this
  }

  /** Adds a middleware; they run in the order added, around routing 404/405 answers too. */
  use(middleware: Middleware): this {
    this.#middleware.push(middleware)
    return this
  }

  /** Answers errors of class `type` (and its subclasses) with `handler`'s Response or JSON value. */
  exceptionHandler<E extends Error>(type: abstract new (...args: any[]) => E, handler: ExceptionHandler<E>): this {
    this.#handlers.set(type, handler)
    return this
  }

  onEvent(event: 'startup' | 'shutdown', fn: () => unknown): this {
    ;(event === 'startup' ? this.#startup : this.#shutdown).push(fn)
    return this
  }

  /** A lifespan: code before `yield` runs at startup, code after it at shutdown. */
  lifespan(fn: (app: App) => AsyncGenerator<unknown, void, unknown>): this {
    this.#lifespans.push(fn)
    return this
  }

  /**
   * Runs the startup hooks and lifespans once; `listen()` and `inject()` call it. When one fails, the
   * lifespans already started are torn down, the error is thrown, and a later call tries again.
   */
  startup(): Promise<void> {
    this.#started ??= this.#start().catch(async (error: unknown) => {
      this.#started = undefined
      await this.#teardown()
      throw error
    })
    return this.#started
  }

  async #start(): Promise<void> {
    for (const fn of this.#startup) await fn()
    for (const fn of this.#lifespans) {
      const gen = fn(this)
      await gen.next()
      this.#running.push(gen)
    }
  }

  /** Runs lifespan teardowns (last first) and the shutdown hooks; resolves at once when startup failed. */
  async shutdown(): Promise<void> {
    const started = this.#started
    if (started === undefined) return
    try {
      await started
    } catch {
      return // the failed startup already tore down what it had started
    }
    this.#started = undefined
    await this.#teardown()
    for (const fn of this.#shutdown) await fn()
  }

  async #teardown(): Promise<void> {
    for (const gen of this.#running.splice(0).reverse()) await gen.next() // runs the code after `yield`
  }

  /** A node:http / node:http2 request listener. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(new NodeExchange(req, res))

  /** Runs one request from any transport to its response. */
  handle(ex: Exchange): void {
    const url = originForm(ex.url)
    const q = url.indexOf('?')
    const method = ex.method
    const ctx = new RequestContext(ex, method, q === -1 ? url : url.slice(0, q), q === -1 ? '' : url.slice(q + 1))
    if (this.#logRequests) this.#logWhenDone(ctx)
    ex.onAbort(() => ctx._abort(new HTTPException(499, 'Client closed the connection')))
    let out: void | Future<void>
    try {
      out = this.#middleware.length === 0 ? this.#routeInto(ctx) : this.#through(ctx, 0)
    } catch (error) {
      this.#fail(ctx, error)
      return
    }
    if (out instanceof Future)
      out.then(
        () => this.#send(ctx, undefined),
        (error) => this.#fail(ctx, error),
      )
    else this.#send(ctx, undefined)
  }

  #through(ctx: RequestContext, i: number): void | Future<void> {
    if (i === this.#middleware.length) return this.#routeInto(ctx)
    let called = false
    const next = () => {
      if (called) throw new MiddlewareError()
      called = true
      const r = this.#through(ctx, i + 1)
      return r instanceof Future ? r : Future.ready()
    }
    const result = this.#middleware[i]!(ctx, next)
    if (result instanceof Response) ctx.response = result
    else if (result !== undefined && typeof (result as PromiseLike<unknown>).then === 'function') {
      return Future.from(result as PromiseLike<unknown>).then((r) => {
        if (r instanceof Response) ctx.response = r
      })
    }
  }

  // invariant: leaves the answer in ctx.response; a synchronous route returns without a Future
  #routeInto(ctx: RequestContext): void | Future<void> {
    const m = this.router.match(ctx.method, ctx.path)
    if (m.status === 200) {
      ctx.params = m.params
      const route = m.route.payload
      const r = route(ctx)
      if (r instanceof Future) {
        if (r.state !== 'fulfilled') {
          return r.then((response) => {
            ctx.response = response
            if (route.definition.config.compress === false) response.compress = false
          })
        }
        ctx.response = r.get()
      } else ctx.response = r
      if (route.definition.config.compress === false) ctx.response.compress = false
      return
    }
    if (m.status === 404) {
      if (m.redirect !== null && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        ctx.response = Response.redirect(m.redirect + (ctx.search === '' ? '' : `?${ctx.search}`), 307)
        return
      }
      if (this.settings.debug) {
        const suggestions = this.router.suggest(ctx.path)
        throw new HTTPException(404, suggestions.length > 0 ? { message: 'Not Found', suggestions } : 'Not Found')
      }
      throw new HTTPException(404)
    }
    if (m.status === 405) throw new HTTPException(405, undefined, { allow: m.allow })
    throw new HTTPException(m.status, m.error.message)
  }

  // only registered when request logging is on: the hot path pays nothing otherwise
  #logWhenDone(ctx: RequestContext): void {
    const started = performance.now()
    ctx.exchange.onDone(() => {
      this.#logger.info?.(
        {
          requestId: ctx.id,
          method: ctx.method,
          path: ctx.path,
          status: ctx.response?.status,
          ms: Math.round((performance.now() - started) * 100) / 100,
          aborted: ctx.aborted,
        },
        'request',
      )
    })
  }

  #fail(ctx: RequestContext, error: unknown): void {
    let response: Response | Future<Response>
    try {
      response = this.#renderError(ctx, error)
    } catch (handlerError) {
      response = this.#defaultError(ctx, handlerError)
    }
    if (response instanceof Future) {
      response.then(
        (r) => {
          ctx.response = r
          this.#send(ctx, error)
        },
        (e) => {
          ctx.response = this.#defaultError(ctx, e)
          this.#send(ctx, error)
        },
      )
    } else {
      ctx.response = response
      this.#send(ctx, error)
    }
  }

  #renderError(ctx: RequestContext, error: unknown): Response | Future<Response> {
    for (let type = (error as object)?.constructor; type && type !== Object; type = Object.getPrototypeOf(type)) {
      const handler = this.#handlers.get(type)
      if (handler === undefined) continue
      const result = handler(ctx, error)
      const status = error instanceof HTTPException ? error.status : 500
      const toResponse = (r: unknown) => (r instanceof Response ? r : Response.json(r, { status }))
      return result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function'
        ? Future.from(result as PromiseLike<unknown>).then(toResponse)
        : toResponse(result)
    }
    return this.#defaultError(ctx, error)
  }

  #defaultError(ctx: RequestContext, error: unknown): Response {
    if (!(error instanceof HTTPException)) {
      this.#logger.error({ err: error, requestId: ctx.id, method: ctx.method, path: ctx.path }, 'unhandled error')
    }
    return errorResponse(error, this.#format)
  }

  #send(ctx: RequestContext, error: unknown): void {
    const ex = ctx.exchange
    if (ex.headersSent) return
    const response = ctx.response ?? Response.json(null)
    if (ctx._cleanups !== undefined)
      ex.onDone(() => {
        const cleaning = this.#cleanUp(ctx, error) // started whether or not the exchange waits for it
        ex.waitFor?.(cleaning)
      })
    if (response instanceof TakeOverResponse) {
      try {
        response.take(ex)
      } catch (takeError) {
        ctx.response = undefined
        this.#fail(ctx, takeError)
      }
      return
    }
    try {
      writeResponse(ex, response, ctx.method === 'HEAD', this.#compression)
    } catch (writeError) {
      // e.g. a header value with CR/LF: never sent, answered as a server error instead
      this.#logger.error({ err: writeError, requestId: ctx.id }, 'could not write the response')
      if (!ex.headersSent) writeResponse(ex, errorResponse(writeError, this.#format), false, undefined)
    }
  }

  async #cleanUp(ctx: RequestContext, error: unknown): Promise<void> {
    for (const cleanup of ctx._cleanups!.reverse()) {
      try {
        await cleanup.finish(error)
      } catch (cleanupError) {
        if (cleanupError !== error)
          this.#logger.error({ err: cleanupError, requestId: ctx.id }, 'dependency cleanup failed')
      }
    }
  }

  /**
   * A WebSocket route. The handshake is validated (params, query, headers, cookies) and resolves `deps` like an
   * HTTP route, and a refusal is answered in HTTP; then `handler` receives the connection as `socket`.
   * @example
   * app.websocket('/ws/rooms/{room}', { deps: { user } }, async ({ params, socket }) => {
   *   const room = app.room(params.room); room.join(socket)
   *   for await (const message of socket) room.broadcast(message, { except: socket })
   * })
   */
  websocket<P extends string, const C extends RouteConfig & WebSocketOptions>(
    path: P,
    config: C,
    handler: WebSocketHandler<P, C>,
  ): this {
    const compression = config.compression ?? { threshold: 1024 }
    // messages below this many bytes go out uncompressed; worked out once per route, not per connection
    const threshold = compression === false ? Number.POSITIVE_INFINITY : compression.threshold
    const wss = webSocketServer({
      maxPayload: config.maxPayload ?? 1024 * 1024,
      compression,
      subprotocols: config.subprotocols,
    })
    const upgraded = new WeakMap<RequestContext, unknown>()
    const compiled = this.#compile(
      {
        methods: ['GET'],
        path,
        config,
        handler: (args) => {
          upgraded.set(args.request, args)
          return new Response(null, { status: 101 })
        },
      },
      0, // a handshake has no body
    )
    const accept = (ex: UpgradeExchange, ctx: RequestContext) => {
      const server = wss()
      if (server instanceof Promise) {
        server.then(
          () => accept(ex, ctx),
          (error: unknown) => {
            this.#logger.error({ err: error, requestId: ctx.id, path: ctx.path }, 'could not load ws')
            ex.socket.destroy()
          },
        )
        return
      }
      server.handleUpgrade(ex.req, ex.socket, ex.head, (ws) => {
        const socket = new WebSocketConnection(ws, ctx, threshold)
        this.#sockets.add(socket)
        socket.closed.then(() => {
          this.#sockets.delete(socket)
          ex.finish()
        })
        keepAlive(socket, config.pingInterval ?? 30_000)
        const args = upgraded.get(ctx) as HandlerArgs<P, C>
        Future.from(
          Promise.resolve().then(() =>
            handler({ ...argsObject(args as never), socket, signal: socket.signal } as never),
          ),
        ).catch((error: unknown) => {
          this.#logger.error({ err: error, requestId: ctx.id, path: ctx.path }, 'websocket handler failed')
          if (socket.isOpen) socket.close(1011, 'Internal error')
        })
      })
    }
    this.#wsRouter.add('GET', path, { compiled, accept })
    return this
  }

  /**
   * A Server-Sent Events route (GET): validated and given its dependencies like any route, then `handler`
   * receives the session as `sse`; returning an (async) iterable of events streams it until it ends or the
   * client leaves. Works over HTTP/1.1 and HTTP/2; never compressed.
   * @example
   * app.sse('/prices', { retry: 2000 }, ({ sse }) => channel.subscribe(sse))
   */
  sse<P extends string, const C extends RouteConfig & SessionOptions>(
    path: P,
    config: C,
    handler: EventStreamHandler<P, C>,
  ): this {
    const hooks = {
      track: (session: SseSession) => {
        this.#streams.add(session)
        session.closed.then(() => this.#streams.delete(session))
      },
      failed: (error: unknown) => this.#logger.error({ err: error, path }, 'event stream failed'),
    }
    return this.route('GET', path, { ...config, compress: false }, (args) => {
      // HEAD is served by GET: the event-stream headers, no stream and no handler (RFC 9110 §9.3.2)
      if (args.request.method === 'HEAD') return new Response(null, { headers: { ...EVENT_STREAM_HEADERS } })
      return new TakeOverResponse((ex) =>
        openEventStream(
          ex,
          config,
          (sse) => handler({ ...argsObject(args as never), sse, signal: sse.signal } as never),
          hooks,
        ),
      )
    })
  }

  /** Open event streams. */
  get eventStreams(): ReadonlySet<SseSession> {
    return this.#streams
  }

  /** Ends every event stream with a final `retry` hint (ms) so clients come back after a restart. */
  async closeEventStreams(retry = 1_000): Promise<void> {
    const closing = [...this.#streams].map((session) => {
      session.close({ retry })
      return session.closed.toPromise()
    })
    await Promise.all(closing)
  }

  /** The room called `name`, created on first use; members leave it when they close. */
  room(name: string): Room {
    let room = this.#rooms.get(name)
    if (room === undefined) this.#rooms.set(name, (room = new Room(name)))
    return room
  }

  /** Open WebSocket connections. */
  get webSockets(): ReadonlySet<WebSocketConnection> {
    return this.#sockets
  }

  /** Answers an HTTP/1.1 upgrade request (wire it to a server's 'upgrade' event; `listen()` does). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = originForm(req.url ?? '/')
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const m = this.#wsRouter.match('GET', path)
    let ctx: RequestContext
    const ex = new UpgradeExchange(req, socket, head, () => {
      if (m.status === 200) m.route.payload.accept(ex, ctx)
    })
    ctx = new RequestContext(ex, 'GET', path, q === -1 ? '' : url.slice(q + 1))
    if (m.status !== 200 || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      this.#fail(ctx, new HTTPException(m.status === 200 ? 426 : 404))
      return
    }
    ctx.params = m.params
    let r: Response | Future<Response>
    try {
      r = m.route.payload.compiled(ctx)
    } catch (error) {
      this.#fail(ctx, error)
      return
    }
    if (r instanceof Future) {
      r.then(
        (response) => {
          ctx.response = response
          this.#send(ctx, undefined)
        },
        (error) => this.#fail(ctx, error),
      )
    } else {
      ctx.response = r
      this.#send(ctx, undefined)
    }
  }

  /** Closes every WebSocket with `code` (1001 "going away" on shutdown) and waits for them to close. */
  async closeWebSockets(code = 1001, reason = 'Server shutting down'): Promise<void> {
    const closing = [...this.#sockets].map((socket) => {
      socket.close(code, reason)
      return socket.closed.toPromise()
    })
    await Promise.all(closing)
  }

  /** Runs a request in-process, without a socket (like light-my-request). */
  async inject(options: InjectOptions | string): Promise<InjectResponse> {
    const opts = typeof options === 'string' ? { url: options } : options
    await this.startup()
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
    this.handle(ex)
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
}
