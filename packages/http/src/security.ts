// The equivalents of fastapi.security, as dependencies: each reads its credentials from the request, answers
// 401 with a WWW-Authenticate challenge when they are missing or malformed (RFC 9110 §11.6.1; RFC 6750 §3 for
// Bearer, RFC 7617 §2 for Basic), or gives `undefined` instead with `autoError: false`, so a route can also
// serve anonymous callers. Each one is a security scheme of the OpenAPI document: the docs page's Authorize
// button fills it in, and every route that depends on it (directly, through another dependency, a router or
// the app) lists it under `security`, with the scopes that `Security(dep, scopes)` asks for along the way.
import { Dependency, type DependencyInput } from './depends.ts'
import { HTTPException } from './errors.ts'
import type { JsonSchema } from './schema.ts'

/** What `HTTPBearer` gives: the scheme and the credentials of `Authorization: <scheme> <credentials>`. */
export interface HTTPAuthorizationCredentials {
  scheme: string
  credentials: string
}

/** What `HTTPBasic` gives (RFC 7617): the user-id and the password. */
export interface HTTPBasicCredentials {
  username: string
  password: string
}

interface SchemeOptions {
  /** The scheme's key in components.securitySchemes. @default the function's name ('HTTPBearer', …) */
  schemeName?: string
  description?: string
  /** `false` gives `undefined` for missing credentials instead of answering 401. @default true */
  autoError?: boolean
}

type Result<T, O> = O extends { autoError: false } ? T | undefined : T

interface SchemeDoc {
  name: string
  scheme: JsonSchema
  optional: boolean
}

const schemes = new WeakMap<Dependency<unknown>, SchemeDoc>()
const required = new WeakMap<Dependency<unknown>, readonly string[]>()
const kScopes = Symbol('scopes')

function scheme<T>(doc: SchemeDoc, read: (input: DependencyInput<{}>) => T | undefined): Dependency<T | undefined> {
  const dep = new Dependency<T | undefined>((input) => read(input as DependencyInput<{}>), {}, true)
  schemes.set(dep, doc)
  return dep
}

function unauthorized(challenge: string, detail = 'Not authenticated'): HTTPException {
  return new HTTPException(401, detail, { 'www-authenticate': challenge })
}

// 'Bearer abc' → ['bearer', 'abc']; the scheme is case-insensitive (RFC 9110 §11.1)
function authorization(header: string | undefined): [string, string, string] | undefined {
  if (header === undefined) return undefined
  const space = header.indexOf(' ')
  if (space === -1) return undefined
  const credentials = header.slice(space + 1).trim()
  if (credentials === '') return undefined
  return [header.slice(0, space).toLowerCase(), header.slice(0, space), credentials]
}

function describe(doc: JsonSchema, options: SchemeOptions): JsonSchema {
  return options.description === undefined ? doc : { ...doc, description: options.description }
}

/**
 * `Authorization: Bearer <token>` (RFC 6750). Gives `{ scheme, credentials }`; missing or of another scheme → 401
 * with `WWW-Authenticate: Bearer`. Checking the token is up to the dependency that uses it.
 * @example
 * const bearer = HTTPBearer({ bearerFormat: 'JWT' })
 * const user = Depends(({ deps }) => verify(deps.auth.credentials), { deps: { auth: bearer } })
 */
export function HTTPBearer<const O extends SchemeOptions & { bearerFormat?: string }>(
  options: O = {} as O,
): Dependency<Result<HTTPAuthorizationCredentials, O>> {
  const doc = describe(
    {
      type: 'http',
      scheme: 'bearer',
      ...(options.bearerFormat !== undefined && { bearerFormat: options.bearerFormat }),
    },
    options,
  )
  const autoError = options.autoError !== false
  return scheme({ name: options.schemeName ?? 'HTTPBearer', scheme: doc, optional: !autoError }, ({ request }) => {
    const auth = authorization(request.headers.authorization)
    if (auth !== undefined && auth[0] === 'bearer') return { scheme: auth[1], credentials: auth[2] }
    if (autoError) throw unauthorized('Bearer')
    return undefined
  }) as never
}

/**
 * `Authorization: Basic <base64(user:password)>` (RFC 7617). Gives `{ username, password }`; missing or malformed
 * → 401 with `WWW-Authenticate: Basic` (and the `realm`), so a browser asks for them.
 * @example
 * const basic = HTTPBasic({ realm: 'admin' })
 * app.get('/admin', { deps: { who: basic } }, ({ deps }) => check(deps.who.username, deps.who.password))
 */
export function HTTPBasic<const O extends SchemeOptions & { realm?: string }>(
  options: O = {} as O,
): Dependency<Result<HTTPBasicCredentials, O>> {
  const challenge = options.realm === undefined ? 'Basic' : `Basic realm="${options.realm.replace(/["\\\r\n]/g, '')}"`
  const autoError = options.autoError !== false
  const doc = describe({ type: 'http', scheme: 'basic' }, options)
  return scheme({ name: options.schemeName ?? 'HTTPBasic', scheme: doc, optional: !autoError }, ({ request }) => {
    const auth = authorization(request.headers.authorization)
    if (auth === undefined || auth[0] !== 'basic') {
      if (autoError) throw unauthorized(challenge)
      return undefined
    }
    const decoded = Buffer.from(auth[2], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    // a user-id cannot contain ':' (RFC 7617 §2); anything that is not base64 of 'user:password' is refused
    if (colon === -1 || !/^[A-Za-z0-9+/]+=*$/.test(auth[2])) {
      throw unauthorized(challenge, 'Invalid authentication credentials')
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }) as never
}

type KeyOptions = SchemeOptions & { name: string }

function apiKey(where: 'header' | 'query' | 'cookie', fnName: string, options: KeyOptions): Dependency<unknown> {
  const autoError = options.autoError !== false
  const doc = describe({ type: 'apiKey', in: where, name: options.name }, options)
  const key = where === 'header' ? options.name.toLowerCase() : options.name
  return scheme({ name: options.schemeName ?? fnName, scheme: doc, optional: !autoError }, ({ request }) => {
    const raw =
      where === 'header' ? request.headers[key] : where === 'query' ? request.query[key] : request.cookies[key]
    const value = Array.isArray(raw) ? raw[0] : raw
    if (value !== undefined && value !== '') return value
    if (autoError) throw unauthorized('APIKey')
    return undefined
  })
}

/**
 * An API key in a request header. Gives the key; missing → 401 (`WWW-Authenticate: APIKey`, as FastAPI sends).
 * @example const apiKey = APIKeyHeader({ name: 'x-api-key' })
 */
export function APIKeyHeader<const O extends KeyOptions>(options: O): Dependency<Result<string, O>> {
  return apiKey('header', 'APIKeyHeader', options) as never
}

/** An API key in a query parameter (`?api_key=…`): like `APIKeyHeader`. */
export function APIKeyQuery<const O extends KeyOptions>(options: O): Dependency<Result<string, O>> {
  return apiKey('query', 'APIKeyQuery', options) as never
}

/** An API key in a cookie: like `APIKeyHeader`. */
export function APIKeyCookie<const O extends KeyOptions>(options: O): Dependency<Result<string, O>> {
  return apiKey('cookie', 'APIKeyCookie', options) as never
}

/**
 * OAuth2's password flow (RFC 6749 §4.3) with bearer tokens: gives the token of `Authorization: Bearer <token>`
 * (401 with `WWW-Authenticate: Bearer` without one). `tokenUrl` is the route that trades a username and password
 * for `{ access_token, token_type: 'bearer' }`; the docs page's Authorize button posts the form there.
 * @example
 * const oauth2 = OAuth2PasswordBearer({ tokenUrl: '/token', scopes: { 'notes:read': 'Read notes' } })
 * const user = Depends((input) => userFor(input.deps.token, securityScopes(input)), { deps: { token: oauth2 } })
 * app.get('/notes', { deps: { user: Security(user, ['notes:read']) } }, ({ deps }) => list(deps.user))
 */
export function OAuth2PasswordBearer<
  const O extends SchemeOptions & { tokenUrl: string; scopes?: Record<string, string>; refreshUrl?: string },
>(options: O): Dependency<Result<string, O>> {
  const autoError = options.autoError !== false
  const flow = {
    tokenUrl: options.tokenUrl,
    ...(options.refreshUrl !== undefined && { refreshUrl: options.refreshUrl }),
    scopes: { ...options.scopes },
  }
  const doc = describe({ type: 'oauth2', flows: { password: flow } }, options)
  return scheme(
    { name: options.schemeName ?? 'OAuth2PasswordBearer', scheme: doc, optional: !autoError },
    ({ request }) => {
      const auth = authorization(request.headers.authorization)
      if (auth !== undefined && auth[0] === 'bearer') return auth[2]
      if (autoError) throw unauthorized('Bearer')
      return undefined
    },
  ) as never
}

/** The scopes a `Security(dep, scopes)` asks of `dep`, as FastAPI's `SecurityScopes`. */
export interface SecurityScopes {
  readonly scopes: readonly string[]
  /** The scopes space-separated, as a `WWW-Authenticate: Bearer scope="…"` challenge wants them (RFC 6750 §3). */
  readonly scopeStr: string
}

const NO_SCOPES: SecurityScopes = Object.freeze({ scopes: Object.freeze([]), scopeStr: '' })

/**
 * `dep` with the OAuth2 scopes a route requires: they are documented on the route, and `dep` reads them with
 * `securityScopes(input)` to check the token's (a missing scope is a 403 with `error="insufficient_scope"`).
 * @example app.delete('/notes/{id:int}', { dependencies: [Security(currentUser, ['notes:write'])] }, …)
 */
export function Security<T>(dep: Dependency<T>, scopes: readonly string[] = []): Dependency<T> {
  const inherited = (input: DependencyInput<any>) => (input as { [kScopes]?: SecurityScopes })[kScopes]
  const wrapper = new Dependency<T>(
    (input) => {
      const all = [...new Set([...(inherited(input)?.scopes ?? []), ...scopes])]
      return dep.fn({ ...input, [kScopes]: { scopes: all, scopeStr: all.join(' ') } } as DependencyInput<any>)
    },
    dep.deps,
    dep.cache,
    { scope: dep.scope, params: dep.params },
  )
  required.set(wrapper, scopes)
  const doc = schemes.get(dep)
  if (doc !== undefined) schemes.set(wrapper, doc) // Security(scheme, scopes) is the scheme itself, with scopes
  return wrapper
}

/** Inside a dependency run through `Security(dep, scopes)`: the scopes required there. */
export function securityScopes(input: DependencyInput<any>): SecurityScopes {
  return (input as { [kScopes]?: SecurityScopes })[kScopes] ?? NO_SCOPES
}

/** The security a route's dependencies document: its schemes, and one requirement listing them with scopes. */
export interface RouteSecurity {
  schemes: Map<string, JsonSchema>
  requirement: Record<string, string[]>
  /** Every scheme has `autoError: false`: anonymous callers are served too. */
  optional: boolean
}

/** Walks the dependency graph (each dependency once per scope path) for the schemes a route relies on. */
export function routeSecurity(deps: Iterable<Dependency<unknown>>): RouteSecurity | undefined {
  const found = new Map<SchemeDoc, Set<string>>()
  const walk = (dep: Dependency<unknown>, scopes: readonly string[], seen: Set<Dependency<unknown>>) => {
    if (seen.has(dep)) return
    const own = required.get(dep)
    const here = own === undefined ? scopes : [...scopes, ...own]
    const doc = schemes.get(dep)
    if (doc !== undefined) {
      let set = found.get(doc)
      if (set === undefined) found.set(doc, (set = new Set()))
      for (const s of here) set.add(s)
    }
    const next = new Set(seen).add(dep)
    for (const sub of Object.values(dep.deps)) walk(sub, here, next)
  }
  for (const dep of deps) walk(dep, [], new Set())
  if (found.size === 0) return undefined
  const security: RouteSecurity = { schemes: new Map(), requirement: {}, optional: true }
  for (const [doc, scopes] of found) {
    security.schemes.set(doc.name, doc.scheme)
    security.requirement[doc.name] = [...new Set([...(security.requirement[doc.name] ?? []), ...scopes])]
    if (!doc.optional) security.optional = false
  }
  return security
}
