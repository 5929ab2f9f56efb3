// The application: registration and settings. Routes are compiled into a @fasterapi/router tree with
// their middleware composed in; dispatch.ts runs each request, and WebSocket and event-stream routes are
// route kinds (websocket-route.ts, event-stream.ts) that go through the same dispatch.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { defaultReactor } from '@fasterapi/futures'
import { Router } from '@fasterapi/router'
import type { SessionOptions, SseSession } from '@fasterapi/sse'
import { type APIRouter, RouteCollector, type RouterOptions, scoped } from './collector.ts'
import { type CompressionOptions, compressionConfig } from './compression.ts'
import type { Dependency, Overrides } from './depends.ts'
import {
  composeEntry,
  type DispatchState,
  dispatch,
  type ExceptionHandler,
  type Logger,
  missRoutes,
  type RouteEntry,
  recompose,
  settleCleanups,
} from './dispatch.ts'
import { type DocsOptions, mountDocs } from './docs.ts'
import type { ErrorFormat } from './error-response.ts'
import { type EventStreamHandler, eventStreamRoute } from './event-stream.ts'
import { type Exchange, NodeExchange } from './exchange.ts'
import { type InjectOptions, type InjectResponse, inject } from './inject.ts'
import { Lifecycle } from './lifecycle.ts'
import type { Middleware, RouteRunner } from './middleware.ts'
import { buildOpenAPI } from './openapi.ts'
import { type CompiledRoute, compileRoute, type RouteConfig, type RouteDefinition } from './route.ts'
import { Room, UpgradeExchange, type WebSocketConnection, type WebSocketOptions } from './websocket.ts'
import { requireUpgrade, type WebSocketHandler, webSocketRoute } from './websocket-route.ts'

export type { ExceptionHandler, Logger } from './dispatch.ts'
export type { EventStreamHandler } from './event-stream.ts'
export type { InjectOptions, InjectResponse } from './inject.ts'
export type { Middleware } from './middleware.ts'
export type { WebSocketHandler } from './websocket-route.ts'

/** The app's settings; the documentation options (`openapiUrl`, `docsUrl`, `redocUrl`, …) are `DocsOptions`. */
export interface AppOptions extends DocsOptions {
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
  /** Log one structured line per request through `logger.info` (id, method, path, status, ms). @default false */
  logRequests?: boolean
}

const consoleLogger: Logger = { error: (details, message) => console.error(message ?? 'error', details) }

export class App extends RouteCollector {
  readonly settings: Readonly<AppOptions>
  readonly router: Router<RouteEntry>
  /** Replace a dependency in tests: `app.dependencyOverrides.set(getDb, Depends(fakeDb))`. */
  readonly dependencyOverrides: Overrides = new Map()
  readonly #core: DispatchState
  readonly #lifecycle = new Lifecycle<App>()
  readonly #wsRouter = new Router<RouteEntry>({ trailingSlash: 'strict' })
  readonly #sockets = new Set<WebSocketConnection>()
  readonly #rooms = new Map<string, Room>()
  readonly #streams = new Set<SseSession>()
  #openapi: Record<string, unknown> | undefined

  constructor(options: AppOptions = {}) {
    super()
    this.settings = options
    this.router = new Router<RouteEntry>({ trailingSlash: options.redirectSlashes === false ? 'strict' : 'redirect' })
    const bareMisses = missRoutes(this.router, options.debug === true)
    this.#core = {
      middleware: [],
      handlers: new Map(),
      logger: options.logger ?? consoleLogger,
      format: options.errorFormat ?? 'fastapi',
      compression: compressionConfig(options.compression),
      logRequests: options.logRequests === true,
      misses: { ...bareMisses },
      bareMisses,
      cleaning: new Set(),
    }
    mountDocs(this, options)
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

  // one compilation for every route kind: the app's dependencies run first, then the route's
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

  #entry(def: RouteDefinition, bare: RouteRunner): RouteEntry {
    const { name, tags = [] } = def.config
    const info = { methods: def.methods, path: def.path, name, tags }
    const entry = { definition: def, info, bare, scoped: def.middleware ?? [] }
    return { ...entry, run: composeEntry(this.#core, entry) }
  }

  protected addRoute(def: RouteDefinition): void {
    const entry = this.#entry(def, this.#compile(def))
    this.#openapi = undefined
    const { name, tags, summary } = def.config
    this.router.add(def.methods, def.path, entry, { ...(name !== undefined && { name }), meta: { tags, summary } })
  }

  /** Adds the routes of an APIRouter (with its middleware), under an optional extra prefix, tags and dependencies. */
  include(router: APIRouter, options: RouterOptions = {}): this {
    for (const def of scoped(router, options)) this.addRoute(def)
    return this
  }

  /**
   * Adds a middleware to every route, 404/405/redirect answers included; they run in the order added, and
   * see the matched route (`ctx.route`) and its params. Composed into each route, not run per request.
   */
  use(middleware: Middleware): this {
    this.#core.middleware.push(middleware)
    recompose(this.#core, [this.router, this.#wsRouter])
    return this
  }

  /** Answers errors of class `type` (and its subclasses) with `handler`'s Response or JSON value. */
  exceptionHandler<E extends Error>(type: abstract new (...args: any[]) => E, handler: ExceptionHandler<E>): this {
    this.#core.handlers.set(type, handler)
    return this
  }

  onEvent(event: 'startup' | 'shutdown', fn: () => unknown): this {
    this.#lifecycle.on(event, fn)
    return this
  }

  /** A lifespan: code before `yield` runs at startup, code after it at shutdown. */
  lifespan(fn: (app: App) => AsyncGenerator<unknown, void, unknown>): this {
    this.#lifecycle.lifespan(fn)
    return this
  }

  /**
   * Runs the startup hooks and lifespans once; `listen()` and `inject()` call it. When one fails, the
   * lifespans already started are torn down, the error is thrown, and a later call tries again.
   */
  startup(): Promise<void> {
    return this.#lifecycle.startup(this)
  }

  /**
   * Waits up to `timeout` ms for work still running after its response (background tasks, dependency exits),
   * then runs lifespan teardowns (last first) and the shutdown hooks; resolves at once when startup failed.
   */
  async shutdown(timeout = 10_000): Promise<void> {
    if (!(await settleCleanups(this.#core, timeout)))
      this.#core.logger.error(
        { pending: this.#core.cleaning.size, timeout },
        'shutdown did not wait for unfinished background work',
      )
    return this.#lifecycle.shutdown()
  }

  /** A node:http / node:http2 request listener. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(new NodeExchange(req, res))

  /** Runs one request from any transport to its response. */
  handle(ex: Exchange): void {
    dispatch(this.#core, this.router, ex)
  }

  /** Answers an HTTP/1.1 upgrade request (wire it to a server's 'upgrade' event; `listen()` does). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    dispatch(this.#core, this.#wsRouter, new UpgradeExchange(req, socket, head))
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
    const logger = this.#core.logger
    const route = webSocketRoute(config, handler as never, {
      track: (socket) => {
        this.#sockets.add(socket)
        socket.closed.then(() => this.#sockets.delete(socket))
      },
      failed: (err, ctx, message) => logger.error({ err, requestId: ctx.id, path: ctx.path }, message),
    })
    const def: RouteDefinition = { methods: ['GET'], path, config, handler: route }
    const entry = this.#entry(def, requireUpgrade(this.#compile(def, 0))) // a handshake has no body
    this.#wsRouter.add('GET', path, entry)
    return this
  }

  /**
   * A Server-Sent Events route (GET): validated and given its dependencies like any route, then `handler`
   * receives the session as `sse`; returning an (async) iterable of events streams it until it ends or the
   * client leaves. Works over HTTP/1.1, HTTP/2 and `inject()`; never compressed.
   * @example
   * app.sse('/prices', { retry: 2000 }, ({ sse }) => channel.subscribe(sse))
   */
  sse<P extends string, const C extends RouteConfig & SessionOptions>(
    path: P,
    config: C,
    handler: EventStreamHandler<P, C>,
  ): this {
    const route = eventStreamRoute(config, handler as never, {
      track: (session) => {
        this.#streams.add(session)
        session.closed.then(() => this.#streams.delete(session))
      },
      failed: (err) => this.#core.logger.error({ err, path }, 'event stream failed'),
    })
    return this.route('GET', path, { mediaType: 'text/event-stream', ...config, compress: false }, route as never)
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

  /** Closes every WebSocket with `code` (1001 "going away" on shutdown) and waits for them to close. */
  async closeWebSockets(code = 1001, reason = 'Server shutting down'): Promise<void> {
    const closing = [...this.#sockets].map((socket) => {
      socket.close(code, reason)
      return socket.closed.toPromise()
    })
    await Promise.all(closing)
  }

  /** Runs a request in-process, without a socket (like light-my-request); event streams are read to their end. */
  inject(options: InjectOptions | string): Promise<InjectResponse> {
    return inject(this, options)
  }
}
