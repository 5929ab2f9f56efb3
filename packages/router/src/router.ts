// The Router: registration, listing, removal, mounting and printing around the hot-path context.
import { DuplicateRouteError, InvalidPatternError } from './errors.ts'
import { allowedOf } from './internal/allow.ts'
import { type Context, createContext, findRoute, SLASH_IGNORE, SLASH_REDIRECT, SLASH_STRICT } from './internal/find.ts'
import { parsePattern } from './internal/pattern.ts'
import { insertPieces, Leaf, M_GET, M_HEAD, printTree } from './internal/tree.ts'
import type { MatchResult } from './match.ts'
import type { ParamsOf } from './params.ts'
import { type Route, type RouteOptions, RouteRecord } from './route.ts'
import { suggestPatterns } from './suggest.ts'

/** Options of `new Router()`. */
export interface RouterOptions {
  /**
   * `'redirect'`: a miss whose slash-toggled path matches reports it in `redirect` (Starlette's redirect_slashes);
   * `'ignore'`: that path's route is returned directly; `'strict'`: neither.
   * @default 'redirect'
   */
  readonly trailingSlash?: 'strict' | 'redirect' | 'ignore'
  /** Compare static text case-sensitively (params always keep their case). @default true */
  readonly caseSensitive?: boolean
  /** Longer paths answer 414 without being matched. @default 8192 */
  readonly maxPathLength?: number
  /**
   * Compile the tree to a JavaScript function (`new Function`) on the first match after a change;
   * `false` walks the tree instead, for runtimes that forbid code generation.
   * @default true
   */
  readonly compile?: boolean
}

/** The method that registers a route for every method. */
export const ANY_METHOD = '*'

const SLASH = { strict: SLASH_STRICT, redirect: SLASH_REDIRECT, ignore: SLASH_IGNORE } as const

/**
 * A radix router with FastAPI-style patterns.
 * @example
 * const router = new Router<Handler>()
 * router.add('GET', '/users/{id:int}', getUser)
 * const m = router.match('GET', '/users/42?full=1')
 * if (m.status === 200) m.route.payload(m.params) // params: { id: 42 }
 */
export class Router<T = unknown> {
  private readonly options: Required<RouterOptions>
  private ctx: Context
  private readonly records: RouteRecord<T>[] = []

  constructor(options: RouterOptions = {}) {
    this.options = { trailingSlash: 'redirect', caseSensitive: true, maxPathLength: 8192, compile: true, ...options }
    this.ctx = this.fresh()
  }

  private fresh(): Context {
    const { compile, trailingSlash, caseSensitive, maxPathLength } = this.options
    return createContext(compile, SLASH[trailingSlash], !caseSensitive, maxPathLength)
  }

  /**
   * Registers `payload` for `pattern` under each method ('*' for every method). HEAD is served by GET
   * unless HEAD is registered. Throws on a duplicate route or a param named differently from the
   * route that already uses the same position.
   */
  add<P extends string>(
    method: string | readonly string[],
    pattern: P,
    payload: T,
    options: RouteOptions = {},
  ): Route<T, ParamsOf<P>> {
    const methods = typeof method === 'string' ? [method] : method
    if (methods.length === 0) throw new InvalidPatternError(pattern, 'no method given')
    const parsed = parsePattern(pattern, !this.options.caseSensitive)
    const records = methods.map((m) => new RouteRecord(m, parsed, payload, options))
    this.insert(records)
    return records.at(-1) as unknown as Route<T, ParamsOf<P>>
  }

  // Puts records of one pattern into the tree, all or none.
  private insert(records: readonly RouteRecord<T>[]): void {
    const { parsed, pattern } = records[0]!
    this.ctx.walker = null
    this.ctx.matcher = null
    this.ctx.lookup = null
    const node = insertPieces(this.ctx.root, parsed.pieces)
    const seen = new Set<string>()
    for (const { method } of records) {
      const existing = node.leaf?.byMethod.get(method) ?? (seen.has(method) ? records[0] : undefined)
      if (existing !== undefined) throw new DuplicateRouteError(method, pattern, existing.pattern)
      seen.add(method)
    }
    node.leaf ??= new Leaf(pattern)
    for (const record of records) {
      const m = record.method
      node.leaf.byMethod.set(m, record as RouteRecord<unknown>)
      this.records.push(record)
      if (!this.ctx.methods.has(m) && m !== ANY_METHOD) this.ctx.methods.set(m, this.ctx.methods.size + 1)
    }
    this.refresh(node.leaf)
    if (this.ctx.st.length < 2 * parsed.params.length) this.ctx.st = new Int32Array(2 * parsed.params.length)
    const escaped = parsed.pieces.some((piece) => piece.type === 'static' && piece.text.includes('%'))
    if (escaped) this.ctx.escapedText = true
    const text = parsed.pieces[0]
    if (parsed.params.length === 0 && text?.type === 'static' && !escaped) {
      this.ctx.statics.set(text.text, node.leaf)
    }
  }

  // Rebuilds a leaf's method table and its methods for a 405 after a change.
  private refresh(leaf: Leaf): void {
    const handlers: (RouteRecord<unknown> | undefined)[] = []
    for (const [m, record] of leaf.byMethod) if (m !== ANY_METHOD) handlers[this.ctx.methods.get(m)!] = record
    handlers[M_HEAD] ??= handlers[M_GET]
    leaf.handlers = Array.from(handlers)
    leaf.any = leaf.byMethod.get(ANY_METHOD)
    leaf.allowed = allowedOf(
      this.ctx.sets,
      [...leaf.byMethod.keys()].filter((m) => m !== ANY_METHOD),
    )
  }

  /** Finds the route for a request. Never throws; see `MatchResult` for the five answers. */
  match(method: string, path: string): MatchResult<T> {
    const matcher = this.ctx.matcher
    return matcher !== null ? (matcher(method, path) as MatchResult<T>) : findRoute<T>(this.ctx, method, path)
  }

  /** Every registered route, in registration order. */
  routes(): readonly Route<T>[] {
    return [...this.records]
  }

  /** Removes the route for `method` and `pattern`; returns whether there was one. */
  remove(method: string, pattern: string): boolean {
    const at = this.records.findIndex((r) => r.method === method && r.pattern === pattern)
    if (at === -1) return false
    // registration is rare and removal rarer: rebuilding keeps the tree free of dead branches, and the
    // same records go back in, so the Route objects callers hold stay the ones routes() lists
    const rest = this.records.filter((_, i) => i !== at)
    this.records.length = 0
    this.ctx = this.fresh()
    for (const record of rest) this.insert([record])
    return true
  }

  /** Adds every route of `router` under `prefix` ('/api' + '/users' → '/api/users'). */
  mount(prefix: string, router: Router<T>): this {
    if (prefix.charCodeAt(0) !== 47 /* '/' */)
      throw new InvalidPatternError(prefix, "a mount prefix must start with '/'")
    const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
    for (const r of router.records) this.add(r.method, base + r.pattern, r.payload, r)
    return this
  }

  /** The registered patterns closest to `path`, for a "did you mean" on a 404. @default limit 3 */
  suggest(path: string, limit = 3): string[] {
    return suggestPatterns(
      this.records.map((r) => r.pattern),
      path,
      limit,
    )
  }

  /** The tree as text, for debugging. */
  print(): string {
    return printTree(this.ctx.root)
  }
}
