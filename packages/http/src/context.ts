// Per-request state shared by middleware, dependencies and the handler.
import type { IncomingHttpHeaders } from 'node:http'
import type { MatchResult } from '@fasterapi/router'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { parseCookies, parseQuery, type QueryObject } from './internal/query.ts'
import type { RouteInfo } from './middleware.ts'
import type { Response } from './response.ts'

let lastId = 0

/** The request as the application sees it. One per request; `request` in handlers and dependencies. */
export class RequestContext {
  readonly exchange: Exchange
  readonly method: string
  /** The path without the query string, still percent-encoded. */
  readonly path: string
  /** The raw query string, without '?'. */
  readonly search: string
  /** Path params: converted by the router, or the output of the route's `params` schema. */
  params: Readonly<Record<string, unknown>> = {}
  /** The parsed (and validated, when the route has a schema) body; undefined when the route reads none. */
  body: unknown = undefined
  /** The matched route (pattern, methods, name, tags); undefined when no route matched (404, 405, …). */
  route: RouteInfo | undefined = undefined
  /** The response once the handler (or a middleware) produced it; middleware may replace it after `next()`. */
  response: Response | undefined = undefined
  /** @internal per-request dependency cache (Dependency → value or Future) */ _deps: Map<unknown, unknown> | undefined
  /** @internal generator dependencies to finish after the response */ _cleanups: Cleanup[] | undefined
  /** @internal generator dependencies of scope 'function', to finish before the response */ _exits:
    | Cleanup[]
    | undefined
  /** @internal the router's answer when no route matched, for the miss routes */ _match:
    | MatchResult<unknown>
    | undefined
  #query: QueryObject | undefined
  #cookies: Record<string, string> | undefined
  #state: Record<string, unknown> | undefined
  #responseHeaders: Record<string, string | string[]> | undefined
  #id: string | undefined
  #controller: AbortController | undefined
  #abortedWith: unknown = undefined
  #aborted = false
  #watching = false

  constructor(exchange: Exchange, method: string, path: string, search: string) {
    this.exchange = exchange
    this.method = method
    this.path = path
    this.search = search
    this._deps = undefined
    this._cleanups = undefined
    this._exits = undefined
    this._match = undefined
  }

  get headers(): IncomingHttpHeaders {
    return this.exchange.headers
  }

  /** The query string as an object (repeated keys become arrays); parsed on first use. */
  get query(): QueryObject {
    this.#query ??= parseQuery(this.search)
    return this.#query
  }
  set query(value: QueryObject) {
    this.#query = value
  }

  /** Cookies from the Cookie header; parsed on first use. */
  get cookies(): Record<string, string> {
    this.#cookies ??= parseCookies(this.exchange.headers.cookie)
    return this.#cookies
  }

  /**
   * Headers added to whatever answer this request gets: the route's, a middleware's or one rendered from an
   * error. The answer's own headers win, except `set-cookie` and `vary`, which are combined. Created on first use.
   */
  get responseHeaders(): Record<string, string | string[]> {
    this.#responseHeaders ??= Object.create(null) as Record<string, string | string[]>
    return this.#responseHeaders
  }

  /** @internal the bag when something was put in it */
  get _responseHeaders(): Record<string, string | string[]> | undefined {
    return this.#responseHeaders
  }

  /** Free space for middleware and dependencies to share values. */
  get state(): Record<string, unknown> {
    this.#state ??= Object.create(null) as Record<string, unknown>
    return this.#state
  }

  /** The `x-request-id` header when the client sent a sane one, else a process-unique id. */
  get id(): string {
    if (this.#id === undefined) {
      const given = this.exchange.headers['x-request-id']
      this.#id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : `req-${(++lastId).toString(36)}`
    }
    return this.#id
  }

  /** Aborts when the client goes away or the route's timeout passes. Created on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#abortedWith)
      else this._watchAbort()
    }
    return this.#controller.signal
  }

  /**
   * @internal Listens for the client going away. Wired on first use of `signal` (or by request logging), not
   * per request: a route that never looks allocates no listener.
   */
  _watchAbort(): void {
    if (this.#watching) return
    this.#watching = true
    this.exchange.onAbort(() => this._abort(new HTTPException(499, 'Client closed the connection')))
  }

  /** True once the client went away (watched from the first use of `signal`) or the route timed out. */
  get aborted(): boolean {
    return this.#aborted
  }

  /** @internal */
  _abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#abortedWith = reason
    this.#controller?.abort(reason)
  }
}

export interface Cleanup {
  finish(error: unknown): unknown
}
