// What `match()` answers: a found route with lazily built params, or why there is none.
import type { RouterError } from './errors.ts'
import type { ParamsBuilder } from './internal/compile.ts'
import type { Route } from './route.ts'

/** Params of a matched route: strings, or numbers for `{x:int}` and `{x:float}`. */
export type Params = Readonly<Record<string, string | number>>

/** The path matched a route for this method. `params` is built on first read, then cached. */
export interface RouteFound<T, P = Params> {
  readonly status: 200
  readonly route: Route<T, P>
  readonly params: P
}

/** No route matches; `redirect` is the same path with its trailing slash toggled when that one would match. */
export interface RouteNotFound {
  readonly status: 404
  readonly redirect: string | null
}

/** A route matches the path but not the method; `allow` is the value for the `Allow` header (RFC 9110 §15.5.6). */
export interface RouteMethodNotAllowed {
  readonly status: 405
  readonly allowed: readonly string[]
  readonly allow: string
}

/** The path itself is unusable: 400 for a malformed percent-escape, 414 when longer than `maxPathLength`. */
export interface RouteBadPath {
  readonly status: 400 | 414
  readonly error: RouterError
}

export type MatchResult<T> = RouteFound<T> | RouteNotFound | RouteMethodNotAllowed | RouteBadPath

// Fast-mode objects with no Object.prototype behind them (rou3's NullProtoObj): keys come from patterns.
export const ParamsObject = function ParamsObject() {} as unknown as new () => Record<string, string | number>
ParamsObject.prototype = Object.create(null)

export const NO_PARAMS: Params = Object.freeze(new ParamsObject())

export interface ParamLayout {
  readonly count: number
  readonly build: ParamsBuilder
}

/** The one class of found results, so the caller's property reads stay monomorphic. */
export class Found<T> implements RouteFound<T> {
  declare readonly status: 200
  readonly route: Route<T> & ParamLayout
  readonly path: string
  readonly decode: boolean
  private cache: Params | null
  // invariant: param i spans path[s_i, e_i); the first two in fields (no array to allocate), the rest in
  // `more` as [s2, e2, s3, e3, …]
  readonly s0: number
  readonly e0: number
  readonly s1: number
  readonly e1: number
  readonly more: Int32Array | null

  constructor(route: Route<T> & ParamLayout, path: string, decode: boolean, st: Int32Array | null) {
    this.route = route
    this.path = path
    this.decode = decode
    this.cache = st === null ? NO_PARAMS : null
    const n = route.count
    this.s0 = n > 0 ? st![0]! : 0
    this.e0 = n > 0 ? st![1]! : 0
    this.s1 = n > 1 ? st![2]! : 0
    this.e1 = n > 1 ? st![3]! : 0
    this.more = n > 2 ? st!.slice(4, 2 * n) : null
  }

  get params(): Params {
    if (this.cache === null) this.cache = this.route.build(this)
    return this.cache
  }
}
// on the prototype: one field less to allocate per match
Object.defineProperty(Found.prototype, 'status', { value: 200 })

export const NOT_FOUND: RouteNotFound = Object.freeze({ status: 404, redirect: null })
