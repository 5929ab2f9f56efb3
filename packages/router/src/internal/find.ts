// The per-request hot path: free functions over the router's context (rou3's findRoute(ctx, …) shape).
import { MalformedPathError, PathTooLongError } from '../errors.ts'
import {
  Found,
  type MatchResult,
  NOT_FOUND,
  type RouteBadPath,
  type RouteMethodNotAllowed,
  type RouteNotFound,
} from '../match.ts'
import type { RouteRecord } from '../route.ts'
import type { Allowed } from './allow.ts'
import { compileMatch, compileStatics, compileTree, type Matcher, type StaticLookup, type Walker } from './compile.ts'
import { normalizePath } from './decode.ts'
import { type Leaf, M_GET, M_OTHER, Node, STANDARD_METHODS } from './tree.ts'
import { fitsComposite, walk } from './walk.ts'

export const SLASH_STRICT = 0
export const SLASH_REDIRECT = 1
export const SLASH_IGNORE = 2

export interface Context {
  root: Node
  // the method sets of 405 answers, interned (see allow.ts)
  sets: Map<string, Allowed>
  // exact path → leaf, for routes without params whose text has no '%' (so a hit proves the path
  // has no query, fragment or escape to deal with)
  statics: Map<string, Leaf>
  methods: Map<string, number>
  // invariant: during a walk, param i spans path[st[2i], st[2i+1]); sized for the route with most params
  st: Int32Array
  // the methods of every leaf whose path matched during the last walk but not its method, for the 405
  partial: Allowed | null
  // set by the walk when it reads a '%' where a decoded char could have led elsewhere (see Walker in
  // compile.ts); pctAt is the first '%' of the raw path the interpreter walks, or -1
  pct: boolean
  pctAt: number
  // some route's static text holds a '%': then a '%' the walk matched looks like one it never reached,
  // and every path with a '%' is decoded before it is walked
  escapedText: boolean
  // set by the compiled walker when the path with its trailing slash toggled would match some route
  slashed: boolean
  // the compiled tree, rebuilt on the first match after a change; null also when compile is off
  walker: Walker | null
  // the whole of match() compiled (compileMatch), for a compiled case-sensitive router; rebuilt like walker
  matcher: Matcher | null
  // the static routes (compiled, or over the map), rebuilt on the first match after a change
  lookup: StaticLookup | null
  compile: boolean
  slash: number
  lower: boolean
  // scratch of prepare(): the path to walk, the path to cut params from, their length, and the raw
  // path's length before its query or fragment
  walked: string
  path: string
  len: number
  rawEnd: number
  decode: boolean
  maxLength: number
  tooLong: RouteBadPath
  malformed: RouteBadPath
}

export function createContext(compile: boolean, slash: number, lower: boolean, maxLength: number): Context {
  return {
    root: new Node(''),
    sets: new Map(),
    statics: new Map(),
    methods: new Map(STANDARD_METHODS.map((method, i) => [method, i + 1])),
    st: new Int32Array(2),
    partial: null,
    pct: false,
    pctAt: -1,
    escapedText: false,
    slashed: false,
    walker: null,
    matcher: null,
    lookup: null,
    compile,
    slash,
    lower,
    walked: '',
    path: '',
    len: 0,
    rawEnd: 0,
    decode: false,
    maxLength,
    tooLong: Object.freeze({ status: 414, error: new PathTooLongError(maxLength) }),
    malformed: Object.freeze({ status: 400, error: new MalformedPathError() }),
  }
}

function walkRoot(ctx: Context, path: string, len: number, m: number): RouteRecord<unknown> | null {
  ctx.partial = null
  if (!ctx.compile) return walk(ctx, ctx.root, path, 0, len, m, 0)
  return (ctx.walker ?? compileWalker(ctx))(path, len, m, ctx.st, ctx)
}

function compileWalker(ctx: Context): Walker {
  ctx.walker = compileTree(ctx.root, fitsComposite)
  return ctx.walker
}

function found<T>(ctx: Context, route: RouteRecord<T>, path: string, decode: boolean): Found<T> {
  return route.found ?? new Found(route, path, decode, ctx.st)
}

function methodId(ctx: Context, method: string): number {
  // the standard methods by a switch (a Map lookup measured ~10 ns), in STANDARD_METHODS order
  switch (method) {
    case 'GET':
      return M_GET
    case 'HEAD':
      return 2
    case 'POST':
      return 3
    case 'PUT':
      return 4
    case 'DELETE':
      return 5
    case 'PATCH':
      return 6
    case 'OPTIONS':
      return 7
  }
  return ctx.methods.get(method) ?? M_OTHER
}

/** Matches one request. Never throws: a bad path is a 400/414 result. */
export function findRoute<T>(ctx: Context, method: string, path: string): MatchResult<T> {
  if (ctx.compile && !ctx.lower) return (ctx.matcher ?? compileMatcher(ctx))(method, path) as MatchResult<T>
  const m = methodId(ctx, method)
  // the common case, a static route: found before the path is scanned for '?', '#' or '%'
  const route = (ctx.lookup ?? staticLookup(ctx))(path, m)
  if (route !== undefined) return route.found as Found<T>
  return findSlow(ctx, m, path)
}

function compileMatcher(ctx: Context): Matcher {
  const { match, walk } = compileMatch(
    ctx,
    {
      SlashMiss,
      // the walker takes the raw path; an escape it reached or 'ignore' sends the request through
      // prepare(), which need not walk the raw path again
      rest: (m, raw) => decoded(ctx, m, raw, false),
    },
    fitsComposite,
  )
  ctx.walker = walk
  ctx.matcher = match
  return match
}

function staticLookup(ctx: Context): StaticLookup {
  const statics = ctx.statics
  ctx.lookup = ctx.compile
    ? compileStatics(statics)
    : (path, m) => {
        const leaf = statics.get(path)
        return leaf === undefined ? undefined : (leaf.handlers[m] ?? leaf.any)
      }
  return ctx.lookup
}

// The part of a raw request path that routing looks at: before '?' or '#', escapes decoded once (but
// see decode.ts), case-folded for a case-insensitive router. Kept in ctx fields, not a fresh object.
// With `rawFirst`, a path whose raw walk never reaches its first '%' is walked raw: the escape cannot
// change the answer (see Walker in compile.ts), and a malformed one there is no error, as in Express.
function prepare(ctx: Context, raw: string, m: number, rawFirst: boolean): boolean {
  let len = raw.length
  const query = raw.indexOf('?')
  if (query !== -1) len = query
  const hash = raw.indexOf('#')
  if (hash !== -1 && hash < len) len = hash
  ctx.rawEnd = len
  ctx.decode = false
  ctx.path = raw
  ctx.len = fold(ctx, len)
  const pct = ctx.walked.indexOf('%')
  if (pct === -1 || pct >= ctx.len) return true
  if (rawFirst && !ctx.escapedText && !reachesEscape(ctx, m, pct)) return true
  const normal = normalizePath(raw.slice(0, len))
  if (normal === null) return false
  ctx.path = normal
  ctx.len = fold(ctx, normal.length)
  ctx.decode = true
  return true
}

// Sets ctx.walked, the path the walk reads up to the returned length: ctx.path itself, or for a
// case-insensitive router its first `len` chars case-folded. Params are cut from ctx.path, the
// original, while folding keeps the length (it does for ASCII); otherwise from the folded path.
function fold(ctx: Context, len: number): number {
  if (!ctx.lower) {
    ctx.walked = ctx.path
    return len
  }
  const head = len === ctx.path.length ? ctx.path : ctx.path.slice(0, len)
  ctx.walked = head.toLowerCase()
  if (ctx.walked.length !== head.length) ctx.path = ctx.walked
  return ctx.walked.length
}

// Whether the walk of the raw path reads its first '%', at `pct`, where a decoded char could lead
// elsewhere.
function reachesEscape(ctx: Context, m: number, pct: number): boolean {
  ctx.pct = false
  ctx.pctAt = pct
  walkRoot(ctx, ctx.walked, ctx.len, m)
  ctx.pctAt = -1
  return ctx.pct
}

function findSlow<T>(ctx: Context, m: number, raw: string): MatchResult<T> {
  if (raw.length > ctx.maxLength) return ctx.tooLong
  return decoded(ctx, m, raw, true)
}

// The walk of the prepared path: query and fragment cut off, escapes decoded, case folded.
function decoded<T>(ctx: Context, m: number, raw: string, rawFirst: boolean): MatchResult<T> {
  if (!prepare(ctx, raw, m, rawFirst)) return ctx.malformed
  const { walked, len } = ctx
  const route = walkRoot(ctx, walked, len, m) as RouteRecord<T> | null
  if (route !== null) return found(ctx, route, ctx.path, ctx.decode)
  const denied = notAllowed(ctx)
  if (denied !== null) return denied
  if (ctx.slash === SLASH_STRICT || len <= 1) return NOT_FOUND
  if (ctx.slash === SLASH_REDIRECT) return new SlashMiss(ctx, m, raw)
  // Starlette's redirect_slashes, answered directly: the route of the path with its slash toggled
  const alt = toggleSlash(walked, len)
  const altRoute = walkRoot(ctx, alt, alt.length, m) as RouteRecord<T> | null
  if (altRoute !== null) return found(ctx, altRoute, ctx.path === walked ? alt : toggleSlash(ctx.path, len), ctx.decode)
  return notAllowed(ctx) ?? NOT_FOUND
}

// A 404 whose redirect hint (Starlette's redirect_slashes) is worked out only when read, so a plain
// miss costs one small object rather than a second walk.
class SlashMiss implements RouteNotFound {
  declare readonly status: 404
  private readonly ctx: Context
  private readonly m: number
  private readonly raw: string

  constructor(ctx: Context, m: number, raw: string) {
    this.ctx = ctx
    this.m = m
    this.raw = raw
  }

  get redirect(): string | null {
    const ctx = this.ctx
    const raw = this.raw
    if (!prepare(ctx, raw, this.m, true)) return null
    const alt = toggleSlash(ctx.walked, ctx.len)
    if (walkRoot(ctx, alt, alt.length, this.m) === null && notAllowed(ctx) === null) return null
    return toggleSlash(raw, ctx.rawEnd) + raw.slice(ctx.rawEnd)
  }
}
Object.defineProperty(SlashMiss.prototype, 'status', { value: 404 })

// The 405 of the routes whose path matched during the last walk, if any.
function notAllowed(ctx: Context): RouteMethodNotAllowed | null {
  return ctx.partial === null ? null : ctx.partial.answer
}

function toggleSlash(path: string, len: number): string {
  return path.charCodeAt(len - 1) === 47 /* '/' */ ? path.slice(0, len - 1) : `${path.slice(0, len)}/`
}
