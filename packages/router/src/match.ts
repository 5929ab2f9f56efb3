// What `match()` answers: a found route with lazily built params, or why there is none.
import type { RouterError } from './errors.ts'
import type { ParamsBuilder } from './internal/compile.ts'
import type { Route } from './route.ts'

/** Params of a matched route: strings, numbers for `{x:int}` and `{x:float}`, bigints for `{x:bigint}`. */
export type Params = Readonly<Record<string, string | number | bigint>>

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
export const ParamsObject = function ParamsObject() {} as unknown as new () => Record<string, string | number | bigint>
ParamsObject.prototype = Object.create(null)

export const NO_PARAMS: Params = Object.freeze(new ParamsObject())

export interface ParamLayout {
  readonly count: number
  readonly build: ParamsBuilder
}

// offsets below 2^15 pack two to a small integer (31-bit Smi on 64-bit V8)
const PACKED_LIMIT = 1 << 15

/** The one class of found results, so the caller's property reads stay monomorphic. */
export class Found<T> implements RouteFound<T> {
  declare readonly status: 200
  readonly route: Route<T> & ParamLayout
  readonly path: string
  readonly decode: boolean
  private cache: Params | null
  // invariant: when `more` is null, param i < 4 spans path[p_i & 0x7fff, p_i >>> 15) — two 15-bit
  // offsets packed in one small integer, so up to four params need no array (the GitHub API's
  // three-param routes each saved an 80-byte Int32Array); otherwise `more` holds every bound as
  // [s0, e0, s1, e1, …] (more than four params, or a path of 32 768 chars or more)
  readonly p0: number
  readonly p1: number
  readonly p2: number
  readonly p3: number
  readonly more: Int32Array | null

  constructor(route: Route<T> & ParamLayout, path: string, decode: boolean, st: Int32Array | null) {
    this.route = route
    this.path = path
    this.decode = decode
    this.cache = st === null ? NO_PARAMS : null
    const n = route.count
    const packed = n <= 4 && path.length < PACKED_LIMIT
    this.p0 = packed && n > 0 ? st![0]! | (st![1]! << 15) : 0
    this.p1 = packed && n > 1 ? st![2]! | (st![3]! << 15) : 0
    this.p2 = packed && n > 2 ? st![4]! | (st![5]! << 15) : 0
    this.p3 = packed && n > 3 ? st![6]! | (st![7]! << 15) : 0
    this.more = packed || n === 0 ? null : st!.slice(0, 2 * n)
  }

  get params(): Params {
    if (this.cache === null) this.cache = this.route.build(this)
    return this.cache
  }
}
// on the prototype: one field less to allocate per match
Object.defineProperty(Found.prototype, 'status', { value: 200 })

export const NOT_FOUND: RouteNotFound = Object.freeze({ status: 404, redirect: null })
