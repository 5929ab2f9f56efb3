// A route declared with its schemas and dependencies, compiled at registration into one function that
// validates, resolves dependencies, calls the handler and builds the Response. Steps that answer
// synchronously stay synchronous: a route with no async step completes without a microtask.
import type { IncomingHttpHeaders } from 'node:http'
import { Future, isThenable, whenAll } from '@fasterapi/futures'
import type { ParamsOf } from '@fasterapi/router'
import type { RequestContext } from './context.ts'
import {
  checkGraph,
  type Dependency,
  type DependencyMap,
  type DependencyValues,
  type Overrides,
  resolveAll,
} from './depends.ts'
import {
  HTTPException,
  RequestValidationError,
  ResponseValidationError,
  RouteDefinitionError,
  type ValidationIssue,
} from './errors.ts'
import { type BodyKind, mediaType, parseBody } from './internal/body-parser.ts'
import { decodeBody, isEncoded, unsupportedEncoding } from './internal/content-encoding.ts'
import { type InputBudget, inputBudget } from './internal/issue-input.ts'
import type { QueryObject } from './internal/query.ts'
import { readMultipart, streamMultipart } from './multipart.ts'
import { checkOffloadDependencies, isOffloaded } from './offload.ts'
import { Response } from './response.ts'
import {
  type InferOutput,
  isStandardSchema,
  jsonSchemaOf,
  runSchema,
  type StandardResult,
  type StandardSchemaV1,
  toValidationIssue,
} from './schema.ts'
import { compileSerializer } from './serializer.ts'

export type Schema = StandardSchemaV1<any, any>

export interface RouteConfig {
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

export type Handler<P extends string, C extends RouteConfig> = (args: HandlerArgs<P, C>) => unknown

export interface RouteDefinition {
  methods: readonly string[]
  path: string
  config: RouteConfig
  handler: Handler<any, any>
}

export interface RouteEnv {
  bodyLimit: number
  overrides: Overrides
  timeouts: { schedule(ms: number, fn: () => void): { cancel(): void } }
}

/** The compiled form: produces the response for a matched request. */
export type CompiledRoute = ((ctx: RequestContext) => Response | Future<Response>) & {
  readonly definition: RouteDefinition
}

// Measured by bench/serializer.bench.ts on Node 24 (2 shared cores): the compiled serializer is 1.03–1.11×
// JSON.stringify for one object and 1.6–1.8× slower for arrays, i.e. no win; JSON.stringify stays until it wins.
const COMPILED_SERIALIZER = false

const SCHEMA_KEYS = ['params', 'query', 'headers', 'cookies', 'body', 'response'] as const
const NO_BODY_STATUS = new Set([204, 304])

// What handlers receive. Query and cookies stay unparsed until read (or until a schema validated them).
class Args {
  readonly request: RequestContext
  params: unknown
  headers: unknown
  body: unknown = undefined
  deps: Record<string, unknown> = {}
  #query: unknown = undefined
  #cookies: unknown = undefined
  constructor(ctx: RequestContext) {
    this.request = ctx
    this.params = ctx.params
    this.headers = ctx.headers
  }
  get query(): unknown {
    return this.#query === undefined ? this.request.query : this.#query
  }
  set query(value: unknown) {
    this.#query = value
  }
  get cookies(): unknown {
    return this.#cookies === undefined ? this.request.cookies : this.#cookies
  }
  set cookies(value: unknown) {
    this.#cookies = value
  }
  get signal(): AbortSignal {
    return this.request.signal
  }
}

/** The handler arguments as a plain object, e.g. to extend with a connection. */
export function argsObject(args: HandlerArgs<string, {}>): HandlerArgs<string, {}> {
  const { params, query, headers, cookies, body, deps, request, signal } = args
  return { params, query, headers, cookies, body, deps, request, signal } as HandlerArgs<string, {}>
}

// invariant: every check that does not depend on the request runs here, once, at registration
export function compileRoute(def: RouteDefinition, env: RouteEnv): CompiledRoute {
  const { config, handler } = def
  for (const key of SCHEMA_KEYS) {
    if (config[key] !== undefined && !isStandardSchema(config[key])) {
      throw new RouteDefinitionError(`${def.path}: \`${key}\` must be a Standard Schema (zod, valibot, arktype, …)`)
    }
  }
  const deps = config.deps ?? {}
  const depKeys = Object.keys(deps)
  if (isOffloaded(handler)) checkOffloadDependencies(def.path, deps)
  const effects = config.dependencies ?? []
  const effectMap: DependencyMap = Object.fromEntries(effects.map((d, i) => [`#${i}`, d]))
  const effectKeys = Object.keys(effectMap)
  checkGraph({ ...deps, ...effectMap })
  const readsBody = config.body !== undefined || config.bodyTypes !== undefined
  const bodyTypes = config.bodyTypes ?? ['json']
  const acceptsMultipart = bodyTypes.includes('multipart')
  const bodyLimit = config.bodyLimit ?? env.bodyLimit
  const status = config.status ?? 200
  const checks = (['params', 'query', 'headers', 'cookies', 'body'] as const).filter((k) => config[k] !== undefined)
  const where = { params: 'path', query: 'query', headers: 'header', cookies: 'cookie', body: 'body' } as const
  const responseSchema = config.response
  const serialize =
    COMPILED_SERIALIZER && responseSchema !== undefined
      ? compileSerializer(jsonSchemaOf(responseSchema, 'output'))
      : undefined

  const validate = (args: Args): void | Future<void> => {
    if (checks.length === 0) return
    const results: (StandardResult<unknown> | Future<StandardResult<unknown>>)[] = []
    let async = false
    for (const key of checks) {
      const input = key === 'query' ? args.request.query : key === 'cookies' ? args.request.cookies : args[key]
      const r = runSchema(config[key]!, input)
      if (r instanceof Future) async = true
      results.push(r)
    }
    const apply = (settled: readonly StandardResult<unknown>[]) => {
      let issues: ValidationIssue[] | undefined
      let budget: InputBudget | undefined
      for (let i = 0; i < checks.length; i++) {
        const key = checks[i]!
        const r = settled[i]!
        if (r.issues !== undefined) {
          budget ??= inputBudget()
          const input = key === 'query' ? args.request.query : key === 'cookies' ? args.request.cookies : args[key]
          for (const issue of r.issues) (issues ??= []).push(toValidationIssue(where[key], issue, input, budget))
        } else args[key] = r.value
      }
      if (issues !== undefined) throw new RequestValidationError(issues)
    }
    if (!async) return apply(results as StandardResult<unknown>[])
    return whenAll(results).then(apply)
  }

  const toResponse = (value: unknown): Response | Future<Response> => {
    if (value instanceof Response) return value
    if (isThenable(value)) return Future.from(value).then(toResponse)
    if (responseSchema === undefined) return jsonResponse(value, status)
    const checked = runSchema(responseSchema, value)
    return checked instanceof Future
      ? checked.then((r) => filtered(r, status, serialize))
      : filtered(checked, status, serialize)
  }

  const run = (ctx: RequestContext): Response | Future<Response> => {
    const args = new Args(ctx)
    const afterBody = (): Response | Future<Response> => {
      const checked = validate(args)
      if (checked instanceof Future) return checked.then(afterValidation)
      return afterValidation()
    }
    const afterValidation = (): Response | Future<Response> => {
      ctx.body = args.body
      ctx.params = args.params as Record<string, unknown>
      if (effectKeys.length === 0) return afterEffects()
      const done = resolveAll(effectMap, effectKeys, ctx, env.overrides)
      return done instanceof Future ? done.then(afterEffects) : afterEffects()
    }
    const afterEffects = (): Response | Future<Response> => {
      if (depKeys.length === 0) return toResponse(handler(args as never))
      const values = resolveAll(deps, depKeys, ctx, env.overrides)
      if (values instanceof Future) {
        return values.then((v) => {
          args.deps = v
          return toResponse(handler(args as never))
        })
      }
      args.deps = values
      return toResponse(handler(args as never))
    }
    let out: Response | Future<Response>
    if (acceptsMultipart && mediaType(ctx.headers['content-type']) === 'multipart/form-data') {
      const coding = ctx.headers['content-encoding']
      if (isEncoded(coding)) throw unsupportedEncoding(coding) // parts stream as they arrive: not decoded
      const limits = { bodySize: bodyLimit, fileSize: bodyLimit }
      if (config.body === undefined) {
        args.body = streamMultipart(ctx.exchange, limits)
        out = afterBody()
      } else {
        out = readMultipart(ctx.exchange, limits).then((form) => {
          args.body = form
          return afterBody()
        })
      }
    } else if (readsBody) {
      out = ctx.exchange.readBody(bodyLimit).then((raw) => {
        const coding = ctx.headers['content-encoding']
        const decoded = isEncoded(coding) ? decodeBody(raw, coding, bodyLimit) : raw
        args.body = parseBody(decoded, ctx.headers['content-type'], bodyTypes)
        return afterBody()
      })
    } else out = afterBody()
    if (config.timeout !== undefined && out instanceof Future && !out.isReady)
      return withTimeout(out, ctx, config.timeout, env)
    return out
  }
  return Object.assign(run, { definition: def })
}

function jsonResponse(value: unknown, status: number, serialize?: (value: unknown) => string): Response {
  if (NO_BODY_STATUS.has(status)) return new Response(null, { status })
  if (serialize === undefined) return Response.json(value === undefined ? null : value, { status })
  return new Response(serialize(value), { status, headers: { 'content-type': 'application/json' } })
}

function filtered(result: StandardResult<unknown>, status: number, serialize?: (value: unknown) => string): Response {
  if (result.issues !== undefined) {
    throw new ResponseValidationError(result.issues.map((i) => toValidationIssue('response', i, undefined, undefined)))
  }
  return jsonResponse(result.value, status, serialize)
}

function withTimeout(out: Future<Response>, ctx: RequestContext, ms: number, env: RouteEnv): Future<Response> {
  const { future, resolve, reject } = Future.withResolvers<Response>()
  const timer = env.timeouts.schedule(ms, () => {
    const error = new HTTPException(503, `The handler did not answer within ${ms} ms`)
    ctx._abort(error)
    reject(error)
  })
  out.then(
    (r) => {
      timer.cancel()
      resolve(r)
    },
    (e) => {
      timer.cancel()
      reject(e)
    },
  )
  return future
}
