// Dependency injection in FastAPI's style: `Depends(fn, { deps })` declares a value computed per request
// from the request and other dependencies. A dependency used twice in one request runs once; a generator
// dependency's code after `yield` runs after the response is sent, also when the request failed.
import { Future, isThenable, whenAll } from '@fasterapi/futures'
import type { Cleanup, RequestContext } from './context.ts'
import { RouteDefinitionError } from './errors.ts'

export type DependencyMap = Readonly<Record<string, Dependency<any>>>

export type DependencyValues<D extends DependencyMap> = {
  -readonly [K in keyof D]: D[K] extends Dependency<infer T> ? T : never
}

export interface DependencyInput<D extends DependencyMap> {
  request: RequestContext
  deps: DependencyValues<D>
  signal: AbortSignal
}

type Yielded<R> = R extends AsyncGenerator<infer Y, any, any>
  ? Y
  : R extends Generator<infer Y, any, any>
    ? Y
    : Awaited<R>

export class Dependency<T> {
  readonly fn: (input: DependencyInput<any>) => unknown
  readonly deps: DependencyMap
  readonly cache: boolean
  readonly name: string
  declare readonly __value: T

  constructor(fn: (input: DependencyInput<any>) => unknown, deps: DependencyMap, cache: boolean) {
    this.fn = fn
    this.deps = deps
    this.cache = cache
    this.name = fn.name || 'anonymous'
  }
}

/**
 * Declares a dependency. `fn` receives the request, its own resolved `deps` and the request's signal; it may
 * return a value, a Promise/Future, or be a (async) generator whose code after `yield` is its cleanup.
 * @example
 * const getDb = Depends(async function* () { const c = await pool.connect(); try { yield c } finally { c.release() } })
 * const currentUser = Depends(({ request, deps }) => deps.db.user(request.headers.authorization), { deps: { db: getDb } })
 */
export function Depends<R, D extends DependencyMap = {}>(
  fn: (input: DependencyInput<D>) => R,
  options: { deps?: D; cache?: boolean } = {},
): Dependency<Yielded<R>> {
  if (typeof fn !== 'function') throw new RouteDefinitionError('Depends() needs a function')
  return new Dependency<Yielded<R>>(
    fn as (input: DependencyInput<any>) => unknown,
    options.deps ?? {},
    options.cache ?? true,
  )
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

export type Overrides = Map<Dependency<any>, Dependency<any>>

// invariant: returns a plain object when every dependency answered synchronously, else a Future of it
export function resolveAll(
  deps: DependencyMap,
  keys: readonly string[],
  ctx: RequestContext,
  overrides: Overrides,
): Record<string, unknown> | Future<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  let pending: Future<unknown>[] | undefined
  for (const key of keys) {
    const value = resolveOne(deps[key]!, ctx, overrides)
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

export function resolveOne(dep: Dependency<unknown>, ctx: RequestContext, overrides: Overrides): unknown {
  const cacheKey = dep
  if (dep.cache && ctx._deps !== undefined && ctx._deps.has(cacheKey)) return ctx._deps.get(cacheKey)
  const actual = overrides.size > 0 ? (overrides.get(dep) ?? dep) : dep
  const keys = Object.keys(actual.deps)
  const sub = keys.length === 0 ? EMPTY : resolveAll(actual.deps, keys, ctx, overrides)
  const value = sub instanceof Future ? sub.then((values) => call(actual, values, ctx)) : call(actual, sub, ctx)
  if (dep.cache) (ctx._deps ??= new Map()).set(cacheKey, value)
  return value
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

function call(dep: Dependency<unknown>, values: Record<string, unknown>, ctx: RequestContext): unknown {
  const result = dep.fn({ request: ctx, deps: values, signal: ctx.signal })
  if (isGenerator(result)) {
    const first = result.next()
    ;(ctx._cleanups ??= []).push(new GeneratorCleanup(result))
    if (isThenable(first)) return Future.from(first).then((r) => (r as IteratorResult<unknown>).value)
    return (first as IteratorResult<unknown>).value
  }
  return isThenable(result) ? Future.from(result) : result
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
