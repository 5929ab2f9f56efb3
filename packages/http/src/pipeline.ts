// A route's request path as module-level stages over one per-request object (RouteState): read body →
// parse → validate → effects → dependencies → handler → response. Each stage takes the previous stage's
// output and returns its own, a plain value or a Future; `proceed` runs them in order. A route whose
// stages all answer synchronously allocates no closure and never waits for a microtask; a stage that is
// really pending costs one continuation (the shape of Fastify's handle-request chain, without callbacks).
import { Future, isThenable, whenAll } from '@fasterapi/futures'
import type { RequestContext } from './context.ts'
import { type Dependency, type DependencyMap, finishExits, type Overrides, resolveAll } from './depends.ts'
import { HTTPException, RequestValidationError, ResponseValidationError, type ValidationIssue } from './errors.ts'
import { type BodyKind, mediaType, parseBody } from './internal/body-parser.ts'
import { decodeBody, isEncoded, unsupportedEncoding } from './internal/content-encoding.ts'
import { type InputBudget, inputBudget } from './internal/issue-input.ts'
import { withArrays } from './internal/query-arrays.ts'
import { readMultipart, streamMultipart } from './multipart.ts'
import { Response } from './response.ts'
import { runSchema, type StandardResult, type StandardSchemaV1, toValidationIssue } from './schema.ts'

export type Check = 'params' | 'query' | 'headers' | 'cookies' | 'body'

/** Everything a route decided at registration; the stages read it, never change it. */
export interface RoutePlan {
  readonly handler: (args: RouteState) => unknown
  readonly schemas: Readonly<Partial<Record<Check | 'response', StandardSchemaV1<any, any>>>>
  readonly checks: readonly Check[]
  readonly bodyTypes: readonly BodyKind[]
  readonly acceptsMultipart: boolean
  readonly hasBodySchema: boolean
  readonly bodyLimit: number
  readonly status: number
  readonly deps: DependencyMap
  readonly depKeys: readonly string[]
  readonly effects: DependencyMap
  readonly effectKeys: readonly string[]
  readonly overrides: Overrides
  /** Dependencies the graph reaches more than once: the only ones cached per request. */
  readonly shared: ReadonlySet<Dependency<unknown>>
  /** Query keys whose schema is an array: a single `?tag=a` arrives as ['a']. */
  readonly arrayKeys: readonly string[]
  readonly serialize: ((value: unknown) => string) | undefined
  /** A dependency of the graph has scope 'function': its exit runs before the answer leaves the route. */
  readonly mayExit: boolean
  readonly stages: readonly Stage[]
}

export type Stage = (s: RouteState, input: unknown) => unknown

const EMPTY_DEPS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>
const NO_BODY_STATUS = new Set([204, 304])
const WHERE = { params: 'path', query: 'query', headers: 'header', cookies: 'cookie', body: 'body' } as const

/**
 * The one object a request allocates for its route: the handler's arguments, and the stages' working state.
 * Query and cookies stay unparsed until read (or until a schema validated them).
 */
export class RouteState {
  readonly request: RequestContext
  readonly plan: RoutePlan
  params: unknown
  headers: unknown
  body: unknown = undefined
  deps: Record<string, unknown> = EMPTY_DEPS
  #query: unknown = undefined
  #cookies: unknown = undefined

  constructor(ctx: RequestContext, plan: RoutePlan) {
    this.request = ctx
    this.plan = plan
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

/** Runs `plan`'s stages for one request. */
export function runStages(plan: RoutePlan, ctx: RequestContext): unknown {
  if (!plan.mayExit && plan.overrides.size === 0) return proceed(new RouteState(ctx, plan), 0, undefined)
  return withExits(ctx, plan)
}

// The function-scoped dependency exits run once the route has answered (the handler returned and its value
// became a Response) and before anything is written: their errors become the answer. An override may bring
// such a dependency in at request time, so routes with overrides take this path too.
function withExits(ctx: RequestContext, plan: RoutePlan): unknown {
  let out: unknown
  try {
    out = proceed(new RouteState(ctx, plan), 0, undefined)
  } catch (error) {
    return exit(ctx, error, true)
  }
  if (!(out instanceof Future)) return exit(ctx, out, false)
  if (out.state === 'fulfilled') return exit(ctx, out.get(), false)
  return out.then(
    (value) => exit(ctx, value, false),
    (error: unknown) => exit(ctx, error, true),
  )
}

function exit(ctx: RequestContext, value: unknown, failed: boolean): unknown {
  const exits = ctx._exits
  if (exits === undefined) {
    if (failed) throw value
    return value
  }
  ctx._exits = undefined
  return finishExits(exits, exits.length - 1, value, failed)
}

// invariant: loops while stages answer synchronously (a fulfilled Future counts as an answer); a rejected
// Future is returned as is, and only a pending one allocates the continuation that resumes at stage i
function proceed(s: RouteState, i: number, input: unknown): unknown {
  const stages = s.plan.stages
  while (i < stages.length) {
    const out = stages[i++]!(s, input)
    if (out instanceof Future) {
      const state = out.state
      if (state === 'fulfilled') input = out.get()
      else if (state === 'rejected') return out
      else {
        const next = i
        return out.then((value) => proceed(s, next, value))
      }
    } else input = out
  }
  return input
}

// --- stages, in request order -------------------------------------------------------------------------

/** The body: a Future of its bytes, a Future of the parsed multipart form, or the streamed multipart parts. */
export function readBody(s: RouteState): unknown {
  const { plan, request: ctx } = s
  const headers = ctx.headers
  if (plan.acceptsMultipart && mediaType(headers['content-type']) === 'multipart/form-data') {
    const coding = headers['content-encoding']
    if (isEncoded(coding)) throw unsupportedEncoding(coding) // parts stream as they arrive: not decoded
    const limits = { bodySize: plan.bodyLimit, fileSize: plan.bodyLimit }
    return plan.hasBodySchema ? readMultipart(ctx.exchange, limits) : streamMultipart(ctx.exchange, limits)
  }
  return ctx.exchange.readBody(plan.bodyLimit)
}

/** Bytes → value by Content-Type (decoded first when the request declares a Content-Encoding). */
export function parseRequestBody(s: RouteState, raw: unknown): void {
  const headers = s.request.headers
  if (Buffer.isBuffer(raw)) {
    const coding = headers['content-encoding']
    const decoded = isEncoded(coding) ? decodeBody(raw, coding, s.plan.bodyLimit) : raw
    s.body = parseBody(decoded, headers['content-type'], s.plan.bodyTypes)
  } else s.body = raw
  s.request.body = s.body
}

/** Runs every schema of the request; the results, or a Future of them when one validator is async. */
export function validate(s: RouteState): unknown {
  const { checks, schemas } = s.plan
  const results: (StandardResult<unknown> | Future<StandardResult<unknown>>)[] = new Array(checks.length)
  let async = false
  for (let i = 0; i < checks.length; i++) {
    const key = checks[i]!
    const r = runSchema(schemas[key]!, checkedInput(s, key))
    if (r instanceof Future) async = true
    results[i] = r
  }
  return async ? whenAll(results) : results
}

function checkedInput(s: RouteState, key: Check): unknown {
  switch (key) {
    case 'query':
      return s.plan.arrayKeys.length === 0 ? s.request.query : withArrays(s.request.query, s.plan.arrayKeys)
    case 'cookies':
      return s.request.cookies
    default:
      return s[key]
  }
}

/** Validation results into the state, or a 422 with every issue of every part. */
export function applyChecks(s: RouteState, settled: readonly StandardResult<unknown>[]): void {
  const checks = s.plan.checks
  let issues: ValidationIssue[] | undefined
  let budget: InputBudget | undefined
  for (let i = 0; i < checks.length; i++) {
    const key = checks[i]!
    const r = settled[i]!
    if (r.issues !== undefined) {
      budget ??= inputBudget()
      const input = checkedInput(s, key)
      for (const issue of r.issues) (issues ??= []).push(toValidationIssue(WHERE[key], issue, input, budget))
    } else s[key] = r.value
  }
  if (issues !== undefined) throw new RequestValidationError(issues)
  const ctx = s.request
  ctx.body = s.body
  ctx.params = s.params as Record<string, unknown>
}

/** Dependencies run for their effect; their values are dropped. */
export function runEffects(s: RouteState): unknown {
  return resolveAll(s.plan.effects, s.plan.effectKeys, s.request, s.plan.overrides, s.plan.shared)
}

export function resolveDeps(s: RouteState): unknown {
  return resolveAll(s.plan.deps, s.plan.depKeys, s.request, s.plan.overrides, s.plan.shared)
}

/** Calls the handler; a Promise it returns becomes a Future so that `proceed` can wait for it. */
export function callHandler(s: RouteState, deps: unknown): unknown {
  if (s.plan.depKeys.length > 0) s.deps = deps as Record<string, unknown>
  const value = s.plan.handler(s)
  return value instanceof Future || !isThenable(value) ? value : Future.from(value)
}

/** A plain value becomes JSON with the route's status; a Response passes through. */
export function toResponse(s: RouteState, value: unknown): Response {
  if (value instanceof Response) return value
  return jsonResponse(value, s.plan.status, undefined)
}

/** With a `response` schema: the value is checked (and filtered) by it first. */
export function checkResponse(s: RouteState, value: unknown): unknown {
  if (value instanceof Response) return value
  return runSchema(s.plan.schemas.response!, value)
}

export function filterResponse(s: RouteState, checked: unknown): Response {
  if (checked instanceof Response) return checked
  const result = checked as StandardResult<unknown>
  if (result.issues !== undefined) {
    throw new ResponseValidationError(result.issues.map((i) => toValidationIssue('response', i, undefined, undefined)))
  }
  return jsonResponse(result.value, s.plan.status, s.plan.serialize)
}

/** The route's `compress: false`. */
export function uncompressed(_s: RouteState, response: Response): Response {
  response.compress = false
  return response
}

function jsonResponse(value: unknown, status: number, serialize: ((value: unknown) => string) | undefined): Response {
  if (NO_BODY_STATUS.has(status)) return new Response(null, { status })
  if (serialize === undefined) return Response.json(value === undefined ? null : value, { status })
  return new Response(serialize(value), { status, headers: { 'content-type': 'application/json' } })
}

/** Aborts the request's signal and answers 503 when `out` has not settled within `ms`. */
export function withTimeout(
  out: Future<unknown>,
  ctx: RequestContext,
  ms: number,
  timers: { schedule(ms: number, fn: () => void): { cancel(): void } },
): Future<unknown> {
  const { future, resolve, reject } = Future.withResolvers<unknown>()
  const timer = timers.schedule(ms, () => {
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
