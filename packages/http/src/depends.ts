// Dependency injection in FastAPI's style: `Depends(fn, { deps })` declares a value computed per request
// from the request and other dependencies. A dependency used twice in one request runs once. A generator
// dependency's code after `yield` is its exit: with scope 'request' (the default) it runs after the response
// is sent; with scope 'function' it runs right after the handler returns, before the response is written, so
// its failure becomes the response. Either way a request's error is thrown in at the `yield`. A dependency
// may declare `headers`, `query` and `cookies` schemas of its own: validated like a route's (422), typed in
// its input, and documented on every route that uses it.
import { Future, isThenable, whenAll } from '@fasterapi/futures'
import type { Cleanup, RequestContext } from './context.ts'
import { RequestValidationError, RouteDefinitionError, type ValidationIssue } from './errors.ts'
import { type InputBudget, inputBudget } from './internal/issue-input.ts'
import { arrayKeysOf, withArrays } from './internal/query-arrays.ts'
import {
  type InferOutput,
  isStandardSchema,
  runSchema,
  type StandardResult,
  type StandardSchemaV1,
  toValidationIssue,
} from './schema.ts'

export type DependencyMap = Readonly<Record<string, Dependency<any>>>

export type DependencyValues<D extends DependencyMap> = {
  -readonly [K in keyof D]: D[K] extends Dependency<infer T> ? T : never
}

export interface DependencyInput<D extends DependencyMap> {
  request: RequestContext
  deps: DependencyValues<D>
  signal: AbortSignal
}

/**
 * When a generator dependency's exit (its code after `yield`) runs: 'request' after the response is sent;
 * 'function' after the handler returns and before the response is written (FastAPI 0.121's `scope`).
 */
export type DependencyScope = 'request' | 'function'

/** The request parameters a dependency reads, each validated by its own schema. */
export interface DependencyParams {
  headers?: StandardSchemaV1<any, any>
  query?: StandardSchemaV1<any, any>
  cookies?: StandardSchemaV1<any, any>
}

export interface DependsOptions<D extends DependencyMap = DependencyMap> extends DependencyParams {
  /** Dependencies whose values this one receives as `deps`. */
  deps?: D
  /** Run once per request however often it is used. @default true */
  cache?: boolean
  /** When a generator's code after `yield` runs. @default 'request' */
  scope?: DependencyScope
}

type Param<O, K extends keyof DependencyParams> = O extends { [P in K]: infer S }
  ? S extends StandardSchemaV1<any, any>
    ? { [P in K]: InferOutput<S> }
    : {}
  : {}

/** The validated parameters in a dependency's input: only those it declares a schema for. */
export type DependencyParamValues<O> = Param<O, 'headers'> & Param<O, 'query'> & Param<O, 'cookies'>

type Yielded<R> = R extends AsyncGenerator<infer Y, any, any>
  ? Y
  : R extends Generator<infer Y, any, any>
    ? Y
    : Awaited<R>

const PARAMS = ['headers', 'query', 'cookies'] as const
const WHERE = { headers: 'header', query: 'query', cookies: 'cookie' } as const

export class Dependency<T> {
  readonly fn: (input: DependencyInput<any>) => unknown
  readonly deps: DependencyMap
  readonly cache: boolean
  readonly name: string
  readonly scope: DependencyScope
  /** The request parameters this dependency validates (headers, query, cookies). */
  readonly params: Readonly<DependencyParams>
  /** Keys of the `query` schema that are arrays: one `?tag=a` reaches it as ['a']. */
  readonly queryArrays: readonly string[]
  declare readonly __value: T

  constructor(
    fn: (input: DependencyInput<any>) => unknown,
    deps: DependencyMap,
    cache: boolean,
    options: { scope?: DependencyScope; params?: DependencyParams } = {},
  ) {
    this.fn = fn
    this.deps = deps
    this.cache = cache
    this.name = fn.name || 'anonymous'
    this.scope = options.scope ?? 'request'
    this.params = options.params ?? {}
    this.queryArrays = this.params.query === undefined ? [] : arrayKeysOf(this.params.query)
  }
}

/**
 * Declares a dependency. `fn` receives the request, its own resolved `deps`, the request's signal and its
 * validated `headers`/`query`/`cookies`; it may return a value, a Promise/Future, or be a (async) generator
 * whose code after `yield` is its exit (see `scope`).
 * @example
 * const getDb = Depends(async function* () { const c = await pool.reserve(); try { yield c } finally { c.release() } })
 * const currentUser = Depends(({ headers, deps }) => deps.db.user(headers['x-token']), {
 *   deps: { db: getDb },
 *   headers: z.object({ 'x-token': z.string() }),
 * })
 * const tx = Depends(async function* () { await begin(); try { yield } catch (e) { await rollback(); throw e } await commit() }, { scope: 'function' })
 */
export function Depends<R, const O extends DependsOptions<any> = {}>(
  fn: (
    input: DependencyInput<O extends { deps: infer D extends DependencyMap } ? D : {}> & DependencyParamValues<O>,
  ) => R,
  options?: O,
): Dependency<Yielded<R>> {
  if (typeof fn !== 'function') throw new RouteDefinitionError('Depends() needs a function')
  const { deps = {}, cache = true, scope = 'request' } = options ?? {}
  if (scope !== 'request' && scope !== 'function')
    throw new RouteDefinitionError(`Depends(${fn.name}): scope must be 'request' or 'function', got ${String(scope)}`)
  const params: DependencyParams = {}
  for (const key of PARAMS) {
    const schema = options?.[key]
    if (schema === undefined) continue
    if (!isStandardSchema(schema))
      throw new RouteDefinitionError(`Depends(${fn.name}): \`${key}\` must be a Standard Schema (zod, valibot, …)`)
    params[key] = schema
  }
  return new Dependency<Yielded<R>>(fn as (input: DependencyInput<any>) => unknown, deps, cache, { scope, params })
}

/** Rejects a dependency graph with a cycle, at registration. */
export function checkGraph(deps: DependencyMap, path: Dependency<unknown>[] = []): void {
  for (const dep of Object.values(deps)) {
    if (path.includes(dep)) {
      const names = [...path, dep].map((d) => d.name).join(' → ')
      throw new RouteDefinitionError(`Dependency cycle: ${names}`)
    }
    checkGraph(dep.deps, [...path, dep])
  }
}

/** Every dependency of `deps`, sub-dependencies included, each once, in resolution order. */
export function flattenDependencies(deps: Iterable<Dependency<unknown>>, out = new Set<Dependency<unknown>>()) {
  for (const dep of deps) {
    if (out.has(dep)) continue
    flattenDependencies(Object.values(dep.deps), out)
    out.add(dep)
  }
  return out
}

export type Overrides = Map<Dependency<any>, Dependency<any>>

/**
 * The dependencies a route's graph reaches more than once (counted as a tree): only these need the per-request
 * cache, so a route whose dependencies each appear once allocates no Map.
 */
export function sharedDependencies(deps: Iterable<Dependency<unknown>>): ReadonlySet<Dependency<unknown>> {
  const seen = new Set<Dependency<unknown>>()
  const shared = new Set<Dependency<unknown>>()
  const walk = (list: Iterable<Dependency<unknown>>) => {
    for (const dep of list) {
      if (seen.has(dep)) shared.add(dep)
      else seen.add(dep)
      walk(Object.values(dep.deps))
    }
  }
  walk(deps)
  return shared
}

// invariant: returns a plain object when every dependency answered synchronously, else a Future of it; with
// overrides in place every cacheable dependency is cached (an override may share what the graph did not)
export function resolveAll(
  deps: DependencyMap,
  keys: readonly string[],
  ctx: RequestContext,
  overrides: Overrides,
  shared: ReadonlySet<Dependency<unknown>>,
): Record<string, unknown> | Future<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  let pending: Future<unknown>[] | undefined
  for (const key of keys) {
    const value = resolveOne(deps[key]!, ctx, overrides, shared)
    if (value instanceof Future) {
      if (value.state === 'fulfilled') out[key] = value.get()
      else {
        pending ??= []
        pending.push(value.then((v) => (out[key] = v)))
      }
    } else out[key] = value
  }
  if (pending === undefined) return out
  return whenAll(pending).then(() => out)
}

export function resolveOne(
  dep: Dependency<unknown>,
  ctx: RequestContext,
  overrides: Overrides,
  shared: ReadonlySet<Dependency<unknown>>,
): unknown {
  const cached = dep.cache && (overrides.size > 0 || shared.has(dep))
  if (cached && ctx._deps !== undefined && ctx._deps.has(dep)) return ctx._deps.get(dep)
  const actual = overrides.size > 0 ? (overrides.get(dep) ?? dep) : dep
  const keys = Object.keys(actual.deps)
  const sub = keys.length === 0 ? EMPTY : resolveAll(actual.deps, keys, ctx, overrides, shared)
  const value = sub instanceof Future ? sub.then((values) => call(actual, values, ctx)) : call(actual, sub, ctx)
  if (cached) (ctx._deps ??= new Map()).set(dep, value)
  return value
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

function call(dep: Dependency<unknown>, values: Record<string, unknown>, ctx: RequestContext): unknown {
  const p = dep.params
  if (p.headers === undefined && p.query === undefined && p.cookies === undefined)
    return start(dep, { request: ctx, deps: values, signal: ctx.signal }, ctx)
  const checked = validateParams(dep, ctx)
  const run = (params: Partial<ParamValues>) =>
    start(dep, { request: ctx, deps: values, signal: ctx.signal, ...params }, ctx)
  return checked instanceof Future ? checked.then(run) : run(checked)
}

function start(dep: Dependency<unknown>, input: DependencyInput<any>, ctx: RequestContext): unknown {
  const result = dep.fn(input)
  if (isGenerator(result)) {
    const first = result.next()
    const exit = new GeneratorCleanup(result)
    if (dep.scope === 'function') (ctx._exits ??= []).push(exit)
    else (ctx._cleanups ??= []).push(exit)
    if (isThenable(first)) return Future.from(first).then((r) => (r as IteratorResult<unknown>).value)
    return (first as IteratorResult<unknown>).value
  }
  return isThenable(result) ? Future.from(result) : result
}

type ParamValues = Record<'headers' | 'query' | 'cookies', unknown>

function rawParam(dep: Dependency<unknown>, ctx: RequestContext, key: keyof ParamValues): unknown {
  if (key === 'headers') return ctx.headers
  if (key === 'cookies') return ctx.cookies
  return dep.queryArrays.length === 0 ? ctx.query : withArrays(ctx.query, dep.queryArrays)
}

// the dependency's own schemas over the request's headers, query and cookies (only those it declares are
// read); a 422 lists every issue with its `loc`, e.g. ['header', 'x-token']
function validateParams(
  dep: Dependency<unknown>,
  ctx: RequestContext,
): Partial<ParamValues> | Future<Partial<ParamValues>> {
  const results: (StandardResult<unknown> | Future<StandardResult<unknown>> | undefined)[] = []
  let async = false
  for (const key of PARAMS) {
    const schema = dep.params[key]
    const r = schema === undefined ? undefined : runSchema(schema, rawParam(dep, ctx, key))
    if (r instanceof Future) async = true
    results.push(r)
  }
  const apply = (settled: readonly (StandardResult<unknown> | undefined)[]): Partial<ParamValues> => {
    const out: Partial<ParamValues> = {}
    let issues: ValidationIssue[] | undefined
    let budget: InputBudget | undefined
    PARAMS.forEach((key, i) => {
      const r = settled[i]
      if (r === undefined) return
      if (r.issues === undefined) out[key] = r.value
      else {
        budget ??= inputBudget()
        const input = rawParam(dep, ctx, key)
        for (const issue of r.issues) (issues ??= []).push(toValidationIssue(WHERE[key], issue, input, budget))
      }
    })
    if (issues !== undefined) throw new RequestValidationError(issues)
    return out
  }
  return async ? whenAll(results).then(apply) : apply(results as (StandardResult<unknown> | undefined)[])
}

function isGenerator(value: unknown): value is Generator | AsyncGenerator {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Generator).next === 'function' &&
    typeof (value as Generator).throw === 'function' &&
    (Symbol.asyncIterator in value || Symbol.iterator in value)
  )
}

class GeneratorCleanup implements Cleanup {
  readonly gen: Generator | AsyncGenerator
  constructor(gen: Generator | AsyncGenerator) {
    this.gen = gen
  }
  // resumes after `yield`; the request's error is thrown in at the `yield` instead, as FastAPI does
  finish(error: unknown): unknown {
    return error === undefined ? this.gen.next() : this.gen.throw(error)
  }
}

/**
 * Runs the function-scoped exits (last first) once the route has answered: with `value` each resumes after
 * its `yield`; when `failed`, `value` is the error, thrown in at each `yield`. An exit that throws replaces
 * the answer with its error (and the exits before it get that error). Returns the answer, or a Future of it.
 */
export function finishExits(exits: Cleanup[], i: number, value: unknown, failed: boolean): unknown {
  for (; i >= 0; i--) {
    let r: unknown
    try {
      r = exits[i]!.finish(failed ? value : undefined)
    } catch (error) {
      value = error
      failed = true
      continue
    }
    if (isThenable(r)) {
      const next = i - 1
      return Future.from(r).then(
        () => finishExits(exits, next, value, failed),
        (error: unknown) => finishExits(exits, next, error, true),
      )
    }
  }
  if (failed) throw value
  return value
}

/** One request parameter schema a dependency declares, for the OpenAPI document. */
export interface DependencyParameterSchema {
  in: 'header' | 'query' | 'cookie'
  /** An object schema: each of its properties is one parameter. */
  schema: StandardSchemaV1<any, any>
  dependency: Dependency<unknown>
}

/**
 * The parameter schemas of every dependency a route uses: its `deps` and `dependencies` (a router's included),
 * the app's `dependencies`, and their sub-dependencies, each dependency once.
 * @example for (const p of dependencyParameters(route.config, app.settings.dependencies)) document(p.in, p.schema)
 */
export function dependencyParameters(
  config: { deps?: DependencyMap; dependencies?: readonly Dependency<unknown>[] },
  appDependencies: readonly Dependency<unknown>[] = [],
): DependencyParameterSchema[] {
  const all = [...appDependencies, ...(config.dependencies ?? []), ...Object.values(config.deps ?? {})]
  const out: DependencyParameterSchema[] = []
  for (const dependency of flattenDependencies(all)) {
    for (const key of PARAMS) {
      const schema = dependency.params[key]
      if (schema !== undefined) out.push({ in: WHERE[key], schema, dependency })
    }
  }
  return out
}
