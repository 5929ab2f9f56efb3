// Middleware composed into each route at registration (Hono's compose, done once per route instead of
// per request). A route without middleware runs its bare compiled function; with middleware, each layer
// gets a `next` that runs the rest of the chain once (a second call throws MiddlewareError).
import { Future } from '@fasterapi/futures'
import type { RequestContext } from './context.ts'
import { MiddlewareError } from './errors.ts'
import { Response } from './response.ts'

/** `(ctx, next)`: call `await next()` to run the rest; return a Response (or set ctx.response) to answer. */
export type Middleware = (ctx: RequestContext, next: () => Future<void>) => unknown

/** A route's request handling: a Response, a Future of one, or a Future of nothing when it set `ctx.response`. */
export type RouteRunner = (ctx: RequestContext) => unknown

/** What is known of the matched route, on `ctx.route` for middleware, dependencies and handlers. */
export interface RouteInfo {
  readonly methods: readonly string[]
  /** The pattern, e.g. '/items/{id:int}'. */
  readonly path: string
  readonly name: string | undefined
  readonly tags: readonly string[]
}

const READY = Future.ready()

/** A route with its middleware: the app's (outermost), then those of the routers it came through. */
export function compose(run: RouteRunner, middleware: readonly Middleware[]): RouteRunner {
  if (middleware.length === 0) return run // the one-handler fast path: no chain at all
  return (ctx) => through(ctx, run, middleware, 0)
}

// invariant: leaves the answer in ctx.response; a chain whose every layer answers synchronously returns
// without a Future
function through(ctx: RequestContext, run: RouteRunner, middleware: readonly Middleware[], i: number): unknown {
  if (i === middleware.length) return into(ctx, run(ctx))
  let called = false
  const next = (): Future<void> => {
    if (called) throw new MiddlewareError()
    called = true
    const r = through(ctx, run, middleware, i + 1)
    return r instanceof Future ? (r as Future<void>) : READY
  }
  const result = middleware[i]!(ctx, next)
  if (result instanceof Response) ctx.response = result
  else if (result !== undefined && result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
    return Future.from(result as PromiseLike<unknown>).then((r) => {
      if (r instanceof Response) ctx.response = r
    })
  }
  return undefined
}

function into(ctx: RequestContext, out: unknown): unknown {
  if (out instanceof Response) {
    ctx.response = out
    return undefined
  }
  if (out instanceof Future) {
    const state = out.state
    if (state === 'fulfilled') return into(ctx, out.get())
    if (state === 'rejected') return out
    return out.then((r) => {
      if (r instanceof Response) ctx.response = r
    })
  }
  return undefined
}
