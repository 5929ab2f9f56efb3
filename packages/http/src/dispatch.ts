// One request from any transport to its response, as free functions over the app's dispatch state:
// match → the route (or a prebuilt miss route), each already composed with its middleware → send, or
// fail → the exception handlers → send. HTTP, WebSocket handshakes and event streams all come this way.
import { Future } from '@fasterapi/futures'
import type { MatchResult, Router } from '@fasterapi/router'
import type { CompressionConfig } from './compression.ts'
import { RequestContext } from './context.ts'
import { type ErrorFormat, errorResponse } from './error-response.ts'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { TakeOverResponse } from './internal/take-over.ts'
import { originForm } from './internal/target.ts'
import { compose, type Middleware, type RouteInfo, type RouteRunner } from './middleware.ts'
import { mergeHeaders, Response } from './response.ts'
import type { RouteDefinition } from './route.ts'
import { writeResponse } from './write.ts'

export interface Logger {
  error(details: object, message?: string): void
  warn?(details: object, message?: string): void
  info?(details: object, message?: string): void
}

export type ExceptionHandler<E> = (ctx: RequestContext, error: E) => unknown

/** A route in the router: its definition, its bare compiled function, and that function with middleware. */
export interface RouteEntry {
  readonly definition: RouteDefinition
  readonly info: RouteInfo
  readonly bare: RouteRunner
  /** Middleware of the routers the route came through, inside the app's. */
  readonly scoped: readonly Middleware[]
  run: RouteRunner
}

type MissStatus = 404 | 405 | 400 | 414

/** What dispatch reads of the app; the app owns it and changes it only at registration. */
export interface DispatchState {
  readonly middleware: Middleware[]
  readonly handlers: Map<Function, ExceptionHandler<any>>
  readonly logger: Logger
  readonly format: ErrorFormat
  readonly compression: CompressionConfig | undefined
  readonly logRequests: boolean
  /** The answers when no route matches, composed with the app's middleware like any route. */
  readonly misses: Record<MissStatus, RouteRunner>
  readonly bareMisses: Record<MissStatus, RouteRunner>
  /** Cleanups running after their response (dependency exits, background tasks); shutdown waits for them. */
  readonly cleaning: Set<Promise<void>>
}

/** The prebuilt miss routes of a router: 404 (+ suggestions when `debug`), slash redirects, 405 + Allow, 400/414. */
export function missRoutes(router: Router<unknown>, debug: boolean): Record<MissStatus, RouteRunner> {
  const notFound: RouteRunner = (ctx) => {
    const m = ctx._match as Extract<MatchResult<unknown>, { status: 404 }>
    if (m.redirect !== null && (ctx.method === 'GET' || ctx.method === 'HEAD'))
      return Response.redirect(m.redirect + (ctx.search === '' ? '' : `?${ctx.search}`), 307)
    const suggestions = debug ? router.suggest(ctx.path) : []
    throw new HTTPException(404, suggestions.length > 0 ? { message: 'Not Found', suggestions } : 'Not Found')
  }
  const notAllowed: RouteRunner = (ctx) => {
    const m = ctx._match as Extract<MatchResult<unknown>, { status: 405 }>
    throw new HTTPException(405, undefined, { allow: m.allow })
  }
  const badPath: RouteRunner = (ctx) => {
    const m = ctx._match as Extract<MatchResult<unknown>, { status: 400 | 414 }>
    throw new HTTPException(m.status, m.error.message)
  }
  return { 404: notFound, 405: notAllowed, 400: badPath, 414: badPath }
}

/** Composes every route and miss route again with the app's current middleware (after `use()`). */
export function recompose(d: DispatchState, routers: readonly Router<RouteEntry>[]): void {
  for (const status of [404, 405, 400, 414] as const) d.misses[status] = compose(d.bareMisses[status], d.middleware)
  for (const router of routers) for (const r of router.routes()) r.payload.run = composeEntry(d, r.payload)
}

export function composeEntry(d: DispatchState, entry: Omit<RouteEntry, 'run'>): RouteRunner {
  return compose(entry.bare, entry.scoped.length === 0 ? d.middleware : [...d.middleware, ...entry.scoped])
}

/** Runs one request from any transport to its response. */
export function dispatch(d: DispatchState, router: Router<RouteEntry>, ex: Exchange): void {
  const url = originForm(ex.url)
  const q = url.indexOf('?')
  const method = ex.method
  const path = q === -1 ? url : url.slice(0, q)
  const ctx = new RequestContext(ex, method, path, q === -1 ? '' : url.slice(q + 1))
  if (d.logRequests) logWhenDone(d, ctx)
  const m = router.match(method, path)
  let run: RouteRunner
  if (m.status === 200) {
    ctx.params = m.params
    ctx.route = m.route.payload.info
    run = m.route.payload.run
  } else {
    ctx._match = m
    run = d.misses[m.status]
  }
  let out: unknown
  try {
    out = run(ctx)
  } catch (error) {
    fail(d, ctx, error)
    return
  }
  settle(d, ctx, out)
}

// invariant: a Response or a ready Future is sent in this call; only a pending Future waits
function settle(d: DispatchState, ctx: RequestContext, out: unknown): void {
  if (out instanceof Response) ctx.response = out
  else if (out instanceof Future) {
    if (out.state === 'fulfilled') {
      settle(d, ctx, out.get())
      return
    }
    out.then(
      (r) => settle(d, ctx, r),
      (error) => fail(d, ctx, error),
    )
    return
  }
  send(d, ctx, undefined)
}

// only registered when request logging is on: the hot path pays nothing otherwise
function logWhenDone(d: DispatchState, ctx: RequestContext): void {
  const started = performance.now()
  ctx._watchAbort()
  ctx.exchange.onDone(() => {
    d.logger.info?.(
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

/** Answers `error` through the app's exception handlers, or the default error response. */
export function fail(d: DispatchState, ctx: RequestContext, error: unknown): void {
  let response: Response | Future<Response>
  try {
    response = renderError(d, ctx, error)
  } catch (handlerError) {
    response = defaultError(d, ctx, handlerError)
  }
  if (response instanceof Future) {
    response.then(
      (r) => {
        ctx.response = r
        send(d, ctx, error)
      },
      (e) => {
        ctx.response = defaultError(d, ctx, e)
        send(d, ctx, error)
      },
    )
  } else {
    ctx.response = response
    send(d, ctx, error)
  }
}

function renderError(d: DispatchState, ctx: RequestContext, error: unknown): Response | Future<Response> {
  for (let type = (error as object)?.constructor; type && type !== Object; type = Object.getPrototypeOf(type)) {
    const handler = d.handlers.get(type)
    if (handler === undefined) continue
    const result = handler(ctx, error)
    const status = error instanceof HTTPException ? error.status : 500
    const toResponse = (r: unknown) => (r instanceof Response ? r : Response.json(r, { status }))
    return result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function'
      ? Future.from(result as PromiseLike<unknown>).then(toResponse)
      : toResponse(result)
  }
  return defaultError(d, ctx, error)
}

function defaultError(d: DispatchState, ctx: RequestContext, error: unknown): Response {
  if (!(error instanceof HTTPException)) {
    d.logger.error({ err: error, requestId: ctx.id, method: ctx.method, path: ctx.path }, 'unhandled error')
  }
  return errorResponse(error, d.format)
}

/** Writes ctx.response (or hands the connection to a take-over response); cleanups run once it is done. */
export function send(d: DispatchState, ctx: RequestContext, error: unknown): void {
  const ex = ctx.exchange
  if (ex.headersSent) return
  const response = ctx.response ?? Response.json(null)
  const extra = ctx._responseHeaders // CORS headers, cookies set on the request: on every answer, errors too
  if (extra !== undefined) mergeHeaders(response.headers, extra)
  if (ctx._cleanups !== undefined)
    ex.onDone(() => {
      const cleaning = cleanUp(d, ctx, error) // started whether or not the exchange waits for it
      d.cleaning.add(cleaning)
      void cleaning.then(() => d.cleaning.delete(cleaning)) // cleanUp never rejects
      ex.waitFor?.(cleaning)
    })
  if (response instanceof TakeOverResponse) {
    try {
      response.take(ex)
    } catch (takeError) {
      ctx.response = undefined
      fail(d, ctx, takeError)
    }
    return
  }
  try {
    writeResponse(ex, response, ctx.method === 'HEAD', d.compression)
  } catch (writeError) {
    // e.g. a header value with CR/LF: never sent, answered as a server error instead
    d.logger.error({ err: writeError, requestId: ctx.id }, 'could not write the response')
    if (!ex.headersSent) writeResponse(ex, errorResponse(writeError, d.format), false, undefined)
  }
}

async function cleanUp(d: DispatchState, ctx: RequestContext, error: unknown): Promise<void> {
  for (const cleanup of ctx._cleanups!.reverse()) {
    try {
      await cleanup.finish(error)
    } catch (cleanupError) {
      if (cleanupError !== error) d.logger.error({ err: cleanupError, requestId: ctx.id }, 'dependency cleanup failed')
    }
  }
}

/**
 * Waits for the cleanups still running after their responses (and any that start meanwhile) for at most
 * `timeout` ms; true when none is left.
 */
export async function settleCleanups(d: DispatchState, timeout: number): Promise<boolean> {
  if (d.cleaning.size === 0) return true
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeout, false)))
  try {
    while (d.cleaning.size > 0) {
      if ((await Promise.race([Promise.all(d.cleaning).then(() => true), expired])) === false) return false
    }
    return true
  } finally {
    clearTimeout(timer)
  }
}
