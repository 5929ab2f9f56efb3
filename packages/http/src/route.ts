// A route declared with its schemas and dependencies, compiled at registration into one function that
// validates, resolves dependencies, calls the handler and builds the Response. Steps that answer
// synchronously stay synchronous: a route with no async step completes without a microtask.
import type { IncomingHttpHeaders } from 'node:http'
import { Future } from '@fasterapi/futures'
import type { ParamsOf } from '@fasterapi/router'
import type { RequestContext } from './context.ts'
import {
  checkGraph,
  type Dependency,
  type DependencyMap,
  type DependencyValues,
  flattenDependencies,
  type Overrides,
  sharedDependencies,
} from './depends.ts'
import { RouteDefinitionError } from './errors.ts'
import type { BodyKind } from './internal/body-parser.ts'
import type { QueryObject } from './internal/query.ts'
import { arrayKeysOf } from './internal/query-arrays.ts'
import type { Middleware } from './middleware.ts'
import { checkOffloadDependencies, isOffloaded } from './offload.ts'
import type { RouteDocs } from './openapi.ts'
import {
  applyChecks,
  callHandler,
  checkResponse,
  filterResponse,
  parseRequestBody,
  type RoutePlan,
  type RouteState,
  readBody,
  resolveDeps,
  runEffects,
  runStages,
  type Stage,
  toResponse,
  uncompressed,
  validate,
  withTimeout,
} from './pipeline.ts'
import type { Response } from './response.ts'
import { type InferInput, type InferOutput, isStandardSchema, jsonSchemaOf, type StandardSchemaV1 } from './schema.ts'
import { compileSerializer } from './serializer.ts'

export type Schema = StandardSchemaV1<any, any>

export interface RouteConfig extends RouteDocs {
  /** Validates (and may transform) the router's params; without it, params are typed from the pattern. */
  params?: Schema
  query?: Schema
  headers?: Schema
  cookies?: Schema
  body?: Schema
  /** Validates and filters the handler's value (FastAPI's response_model): fields not in it never leave. */
  response?: Schema
  /** Body media types accepted. @default ['json'] when `body` is set */
  bodyTypes?: readonly BodyKind[]
  /** Status of a plain returned value. @default 200 */
  status?: number
  /** Dependencies whose values the handler receives as `deps`. */
  deps?: DependencyMap
  /** Dependencies run for their effect (auth checks, rate limits); their values are dropped. */
  dependencies?: readonly Dependency<unknown>[]
  /** Aborts the request's signal and answers 503 when the handler has not answered within this many ms. */
  timeout?: number
  /** `false` sends this route's responses uncompressed even when the app compresses. */
  compress?: boolean
  /** Largest accepted body in bytes; overrides the app's `bodyLimit`. */
  bodyLimit?: number
  name?: string
  tags?: readonly string[]
  summary?: string
  description?: string
  deprecated?: boolean
  /** Leave this route out of the OpenAPI document. @default true */
  includeInSchema?: boolean
}

type Out<C, K extends string, Fallback> = C extends { [P in K]: infer S }
  ? S extends Schema
    ? InferOutput<S>
    : Fallback
  : Fallback

/** What a handler receives, typed from the pattern and the route's schemas. */
export interface HandlerArgs<P extends string, C extends RouteConfig> {
  params: Out<C, 'params', ParamsOf<P>>
  query: Out<C, 'query', QueryObject>
  headers: Out<C, 'headers', IncomingHttpHeaders>
  cookies: Out<C, 'cookies', Record<string, string>>
  /** Typed by the `body` schema; `unknown` when the route only lists `bodyTypes`; absent otherwise. */
  body: Out<C, 'body', C extends { bodyTypes: readonly BodyKind[] } ? unknown : undefined>
  deps: C extends { deps: infer D } ? (D extends DependencyMap ? DependencyValues<D> : {}) : {}
  request: RequestContext
  signal: AbortSignal
}

/** What a handler may answer: with a `response` schema, a value that schema accepts (checked at compile time) or a Response. */
export type HandlerResult<C extends RouteConfig> = C extends { response: infer S }
  ? S extends Schema
    ? InferInput<S> | Response
    : unknown
  : unknown

export type Handler<P extends string, C extends RouteConfig> = (
  args: HandlerArgs<P, C>,
) => HandlerResult<C> | PromiseLike<HandlerResult<C>>

export interface RouteDefinition {
  methods: readonly string[]
  path: string
  config: RouteConfig
  handler: Handler<any, any>
  /** Middleware of the routers the route was declared in, outermost first. */
  middleware?: readonly Middleware[]
}

export interface RouteEnv {
  bodyLimit: number
  overrides: Overrides
  timeouts: { schedule(ms: number, fn: () => void): { cancel(): void } }
}

/** The compiled form: answers a matched request with a Response, a Future of one, or a rejected Future. */
export type CompiledRoute = ((ctx: RequestContext) => unknown) & {
  readonly definition: RouteDefinition
}

// Measured by bench/serializer.bench.ts on Node 24 (2 shared cores): the compiled serializer is 1.03–1.11×
// JSON.stringify for one object and 1.6–1.8× slower for arrays, i.e. no win; JSON.stringify stays until it wins.
const COMPILED_SERIALIZER = false

const SCHEMA_KEYS = ['params', 'query', 'headers', 'cookies', 'body', 'response'] as const
const CHECKS = ['params', 'query', 'headers', 'cookies', 'body'] as const

/** The handler arguments as a plain object, e.g. to extend with a connection. */
export function argsObject(args: HandlerArgs<string, {}>): HandlerArgs<string, {}> {
  const { params, query, headers, cookies, body, deps, request, signal } = args
  return { params, query, headers, cookies, body, deps, request, signal } as HandlerArgs<string, {}>
}

// invariant: every check that does not depend on the request runs here, once, at registration; the stage
// list holds only the stages this route needs
export function compileRoute(def: RouteDefinition, env: RouteEnv): CompiledRoute {
  const { config, handler } = def
  for (const key of SCHEMA_KEYS) {
    if (config[key] !== undefined && !isStandardSchema(config[key])) {
      throw new RouteDefinitionError(`${def.path}: \`${key}\` must be a Standard Schema (zod, valibot, arktype, …)`)
    }
  }
  const deps = config.deps ?? {}
  if (isOffloaded(handler)) checkOffloadDependencies(def.path, deps)
  const effects: DependencyMap = Object.fromEntries((config.dependencies ?? []).map((d, i) => [`#${i}`, d]))
  checkGraph({ ...deps, ...effects })
  const readsBody = config.body !== undefined || config.bodyTypes !== undefined
  const bodyTypes = config.bodyTypes ?? ['json']
  const checks = CHECKS.filter((k) => config[k] !== undefined)
  const stages: Stage[] = []
  if (readsBody) stages.push(readBody, parseRequestBody)
  if (checks.length > 0) stages.push(validate, applyChecks as Stage)
  if (Object.keys(effects).length > 0) stages.push(runEffects)
  if (Object.keys(deps).length > 0) stages.push(resolveDeps)
  stages.push(callHandler)
  if (config.response === undefined) stages.push(toResponse)
  else stages.push(checkResponse, filterResponse)
  if (config.compress === false) stages.push(uncompressed as Stage)
  const plan: RoutePlan = {
    handler: handler as (args: RouteState) => unknown,
    schemas: config,
    checks,
    bodyTypes,
    acceptsMultipart: bodyTypes.includes('multipart'),
    hasBodySchema: config.body !== undefined,
    bodyLimit: config.bodyLimit ?? env.bodyLimit,
    status: config.status ?? 200,
    deps,
    depKeys: Object.keys(deps),
    effects,
    effectKeys: Object.keys(effects),
    overrides: env.overrides,
    shared: sharedDependencies([...Object.values(effects), ...Object.values(deps)]),
    arrayKeys: config.query === undefined ? [] : arrayKeysOf(config.query),
    serialize:
      COMPILED_SERIALIZER && config.response !== undefined
        ? compileSerializer(jsonSchemaOf(config.response, 'output'))
        : undefined,
    mayExit: [...flattenDependencies([...Object.values(deps), ...Object.values(effects)])].some(
      (d) => d.scope === 'function',
    ),
    stages,
  }
  const timeout = config.timeout
  const run =
    timeout === undefined
      ? (ctx: RequestContext) => runStages(plan, ctx)
      : (ctx: RequestContext) => {
          const out = runStages(plan, ctx)
          return out instanceof Future && out.state === 'pending' ? withTimeout(out, ctx, timeout, env.timeouts) : out
        }
  return Object.assign(run, { definition: def })
}
