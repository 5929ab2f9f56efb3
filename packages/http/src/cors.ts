// Cross-Origin Resource Sharing (WHATWG Fetch §3.2) as a middleware, with the options of @fastify/cors and
// Hono's cors(): the preflight (OPTIONS with Access-Control-Request-Method) is answered here, before routing's
// 404/405, and every other answer to an allowed origin gets Access-Control-Allow-Origin and its companions.
import { Future, isThenable } from '@fasterapi/futures'
import type { RequestContext } from './context.ts'
import { Response } from './response.ts'

type OriginVerdict = boolean | string | undefined
type OriginMatcher = string | RegExp

export interface CorsOptions {
  /**
   * Origins allowed: `'*'` (any, without credentials), one origin, a RegExp (anchor it: `/^https:\/\/(.+\.)?example\.com$/`),
   * a list of those, or a function of the request's Origin returning true (reflect it), false, or the value to send.
   * @default '*'
   */
  origin?:
    | OriginMatcher
    | readonly OriginMatcher[]
    | ((origin: string, ctx: RequestContext) => OriginVerdict | PromiseLike<OriginVerdict>)
  /** Methods a preflight allows. @default ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] */
  methods?: readonly string[]
  /** Request headers a preflight allows; by default the ones the preflight asks for are reflected. */
  allowedHeaders?: readonly string[]
  /** Response headers the page may read besides the CORS-safelisted ones. */
  exposedHeaders?: readonly string[]
  /** Let the page send and read cookies and HTTP auth (needs an origin other than `'*'`). @default false */
  credentials?: boolean
  /** Seconds the browser may cache a preflight's answer. */
  maxAge?: number
  /** Answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`). @default false */
  privateNetwork?: boolean
  /** Status of a preflight's answer. @default 204 */
  preflightStatus?: number
}

/** A CORS option that cannot work: rejected when `cors()` is called, not per request. */
export class CorsOptionsError extends TypeError {
  readonly code = 'HTTP_CORS_OPTIONS'
  constructor(message: string) {
    super(message)
    this.name = 'CorsOptionsError'
  }
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']

/**
 * CORS for every route of the app (`app.use(cors(...))`), including paths that only exist for other methods.
 * @example
 * app.use(cors({ origin: ['https://app.example.com', /^https:\/\/.+\.preview\.example\.com$/], credentials: true, maxAge: 600 }))
 */
export function cors(
  options: CorsOptions = {},
): (ctx: RequestContext, next: () => Future<void>) => Response | Future<void> | undefined {
  const origin = options.origin ?? '*'
  const anyOrigin = origin === '*'
  if (anyOrigin && options.credentials) {
    // RFC: a credentialed response may not say '*' (Fetch §3.2.5); reflecting every origin instead would let any site act as the user
    throw new CorsOptionsError(
      "cors: credentials need the allowed origins listed (a string, RegExp, list or function), not '*'",
    )
  }
  const list =
    typeof origin === 'function' || typeof origin === 'string' || origin instanceof RegExp ? [origin] : origin
  for (const o of list) {
    if (typeof o !== 'string' && typeof o !== 'function' && !(o instanceof RegExp)) {
      throw new CorsOptionsError(`cors: invalid origin ${String(o)}`)
    }
    if (o instanceof RegExp && (o.global || o.sticky)) {
      throw new CorsOptionsError('cors: an origin RegExp may not be global or sticky (test() would keep state)')
    }
  }
  const methods = (options.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase()).join(', ')
  const allowedHeaders = options.allowedHeaders?.join(', ')
  const exposed = options.exposedHeaders?.length ? options.exposedHeaders.join(', ') : undefined
  const maxAge = options.maxAge === undefined ? undefined : String(Math.floor(options.maxAge))
  const preflightStatus = options.preflightStatus ?? 204
  // a fixed '*' is the same for every origin; anything else answers per origin, so caches must key on it
  const variesByOrigin = !anyOrigin

  const allowed = (requestOrigin: string, ctx: RequestContext): OriginVerdict | Future<OriginVerdict> => {
    if (anyOrigin) return '*'
    if (typeof origin === 'function') {
      const verdict = origin(requestOrigin, ctx)
      return isThenable(verdict) ? Future.from(verdict as PromiseLike<OriginVerdict>) : (verdict as OriginVerdict)
    }
    for (const o of list as readonly OriginMatcher[]) {
      if (typeof o === 'string' ? o === requestOrigin : o.test(requestOrigin)) return true
    }
    return false
  }

  return (ctx, next) => {
    const requestOrigin = ctx.headers.origin
    const preflight =
      ctx.method === 'OPTIONS' &&
      requestOrigin !== undefined &&
      ctx.headers['access-control-request-method'] !== undefined
    if (requestOrigin === undefined) {
      // not a CORS request; the answer still depends on Origin when another request could carry one
      if (variesByOrigin) ctx.responseHeaders.vary = 'Origin'
      return next()
    }
    const verdict = allowed(requestOrigin, ctx)
    if (verdict instanceof Future) {
      return verdict.then((v) => {
        const out = answer(ctx, next, requestOrigin, v, preflight)
        return out instanceof Response ? void (ctx.response = out) : out
      }) as Future<void>
    }
    return answer(ctx, next, requestOrigin, verdict, preflight)
  }

  function answer(
    ctx: RequestContext,
    next: () => Future<void>,
    requestOrigin: string,
    verdict: OriginVerdict,
    preflight: boolean,
  ): Response | Future<void> {
    const allowOrigin = verdict === true ? requestOrigin : typeof verdict === 'string' ? verdict : undefined
    if (preflight) {
      const headers: Record<string, string> = { 'content-length': '0' }
      const vary = variesByOrigin ? ['Origin'] : []
      if (allowOrigin !== undefined) {
        headers['access-control-allow-origin'] = allowOrigin
        if (options.credentials) headers['access-control-allow-credentials'] = 'true'
        headers['access-control-allow-methods'] = methods
        if (allowedHeaders !== undefined) headers['access-control-allow-headers'] = allowedHeaders
        else {
          const asked = ctx.headers['access-control-request-headers']
          if (asked !== undefined && asked !== '') headers['access-control-allow-headers'] = asked
          vary.push('Access-Control-Request-Headers')
        }
        if (maxAge !== undefined) headers['access-control-max-age'] = maxAge
        if (options.privateNetwork && ctx.headers['access-control-request-private-network'] === 'true') {
          headers['access-control-allow-private-network'] = 'true'
        }
      }
      if (vary.length > 0) headers.vary = vary.join(', ')
      return new Response(null, { status: preflightStatus, headers })
    }
    // on the request, not the route's answer: an error answer (4xx/5xx) carries them too, so the page can read it
    const extra = ctx.responseHeaders
    if (variesByOrigin) extra.vary = 'Origin'
    if (allowOrigin !== undefined) {
      extra['access-control-allow-origin'] = allowOrigin
      if (options.credentials) extra['access-control-allow-credentials'] = 'true'
      if (exposed !== undefined) extra['access-control-expose-headers'] = exposed
    }
    return next()
  }
}
