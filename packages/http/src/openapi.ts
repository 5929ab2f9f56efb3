// OpenAPI 3.1 from the registered routes, as FastAPI builds it: path params from the pattern, query, header
// and cookie params and bodies from their schemas (through Standard JSON Schema, see openapi-schemas.ts),
// named schemas under components, an operationId for every operation, the error answers each route declares,
// and a 422 only where a schema validates input.
import { STATUS_CODES } from 'node:http'
import { type Dependency, dependencyParameters } from './depends.ts'
import { ComponentSchemas, type Warn } from './openapi-schemas.ts'
import type { RouteConfig, Schema } from './route.ts'
import type { JsonSchema } from './schema.ts'
import { routeSecurity } from './security.ts'

export interface OpenAPIInfo {
  title?: string
  version?: string
  description?: string
  /** Error bodies' shape, documented on every error response. @default 'fastapi' */
  errorFormat?: 'fastapi' | 'problem'
  /** Told about every schema part the document cannot describe exactly (route and field named). */
  logger?: { warn?(details: object, message?: string): void }
  /** The app's own dependencies: security schemes among them apply to every route. */
  dependencies?: readonly Dependency<unknown>[]
}

/** One documented answer of a route besides its success: a description, and the body's schema. */
export interface ResponseDoc {
  /** @default the status's reason phrase ('Not Found') */
  description?: string
  /** The body's schema; error statuses default to the app's error shape (`{"detail": …}` or problem+json). */
  schema?: Schema
  /** @default 'application/json' ('application/problem+json' for errors with `errorFormat: 'problem'`) */
  mediaType?: string
}

/** The documentation-only part of a route's config. */
export interface RouteDocs {
  /**
   * Other answers the route gives, by status (FastAPI's `responses`): a description or a `ResponseDoc`.
   * @example { responses: { 404: 'Note not found', 409: { description: 'Duplicate', schema: Conflict } } }
   */
  responses?: Readonly<Record<number, string | ResponseDoc>>
  /** The success answer's media type in the document. @default 'application/json' */
  mediaType?: string
}

export interface DocumentedRoute {
  method: string
  pattern: string
  config: RouteConfig
}

const PARAM_TYPES: Record<string, JsonSchema> = {
  // {x:int} matches safe integers only; {x:bigint} any length, so clients should keep it as a string
  int: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
  bigint: { type: 'string', pattern: '^-?[0-9]+$' },
  float: { type: 'number' },
  uuid: { type: 'string', format: 'uuid' },
  path: { type: 'string' },
  str: { type: 'string' },
}

const FIXED_SCHEMAS: Record<string, JsonSchema> = {
  ValidationError: {
    type: 'object',
    required: ['loc', 'msg', 'type'],
    properties: {
      loc: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
      msg: { type: 'string' },
      type: { type: 'string' },
      input: {},
    },
  },
  HTTPValidationError: {
    type: 'object',
    properties: { detail: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } } },
  },
  HTTPError: { type: 'object', required: ['detail'], properties: { detail: {} } },
  // RFC 9457 §3.1; `errors` carries the validation issues of a 422
  ProblemDetails: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: {},
      errors: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } },
    },
  },
}

const ANY_METHOD = ['get', 'post', 'put', 'patch', 'delete']
const NO_CONTENT = new Set(['204', '304'])

// '/users/{id:int}/files/{rest:path}' → '/users/{id}/files/{rest}', with each param's type
export function openapiPath(pattern: string): { path: string; params: [string, JsonSchema][] } {
  const params: [string, JsonSchema][] = []
  const path = pattern
    .replace(/\{(\w+)(?::(\w+))?\}/g, (_, name: string, type = 'str') => {
      params.push([name, PARAM_TYPES[type] ?? { type: 'string' }])
      return `{${name}}`
    })
    .replace(/\/\*(\w*)$/, (_, name: string) => {
      params.push([name || 'wildcard', { type: 'string' }])
      return `/{${name || 'wildcard'}}`
    })
  return { path, params }
}

/**
 * The operationId of a route without a `name`: the method and the path in camelCase, a parameter as
 * `By<Name>` ('GET /notes/{id}' → 'getNotesById'); stable while the route keeps its method and path.
 */
export function defaultOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('{') ? `By${pascal(s.slice(1, -1))}` : pascal(s)))
  return method.toLowerCase() + (words.length === 0 ? 'Root' : words.join(''))
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')

export function buildOpenAPI(info: OpenAPIInfo, routes: readonly DocumentedRoute[]): Record<string, unknown> {
  const warnings: string[] = []
  const warn: Warn = (message) => warnings.push(message)
  const components = new ComponentSchemas(FIXED_SCHEMAS)
  const problem = info.errorFormat === 'problem'
  const errorBody = problem
    ? { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } }
    : { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } }
  const validationBody = problem
    ? errorBody
    : { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } }
  const ids = new OperationIds(routes)
  const paths: Record<string, Record<string, unknown>> = {}
  const securitySchemes: Record<string, JsonSchema> = {}

  for (const route of routes) {
    const { method, pattern, config } = route
    const docs = config as RouteConfig & RouteDocs
    const { path, params } = openapiPath(pattern)
    const label = (m: string) => `${m.toUpperCase()} ${path}`
    const methods = method === '*' ? ANY_METHOD : [method.toLowerCase()]
    for (const m of methods) {
      const where = label(m)
      const schemaOf = (s: Schema, io: 'input' | 'output', part: string) =>
        components.add(s, io, `${where} ${part}`, warn)
      const paramsFrom = (s: Schema | undefined, at: 'path' | 'query' | 'header' | 'cookie') => {
        if (s === undefined) return []
        const json = components.resolve(schemaOf(s, 'input', at))
        const properties = (json.properties ?? {}) as Record<string, JsonSchema>
        const required = new Set((json.required ?? []) as string[])
        return Object.entries(properties).map(([name, schema]) => ({
          name,
          in: at,
          required: at === 'path' || required.has(name),
          schema,
        }))
      }
      const pathSchemas = new Map(paramsFrom(config.params, 'path').map((p) => [p.name, p.schema]))
      // the headers, query and cookies the route's dependencies validate, documented on the route itself
      const fromDeps = dependencyParameters(config, info.dependencies)
      const parameters = unique([
        ...params.map(([name, schema]) => ({
          name,
          in: 'path',
          required: true,
          schema: pathSchemas.get(name) ?? schema,
        })),
        ...paramsFrom(config.query, 'query'),
        ...paramsFrom(config.headers, 'header'),
        ...paramsFrom(config.cookies, 'cookie'),
        ...fromDeps.flatMap((p) => paramsFrom(p.schema, p.in)),
      ])
      // {id:int} that does not parse misses the route (404); only a schema can answer 422
      const validates =
        fromDeps.length > 0 ||
        [config.params, config.query, config.headers, config.cookies, config.body].some((s) => s !== undefined)
      const status = String(config.status ?? 200)
      const mediaType = docs.mediaType ?? 'application/json'
      const success =
        config.response !== undefined ? schemaOf(config.response, 'output', 'response') : successSchema(mediaType)
      const responses: Record<string, unknown> = {
        [status]: {
          description:
            status === '200' || status === '201' ? 'Successful Response' : (STATUS_CODES[status] ?? 'Success'),
          ...(!NO_CONTENT.has(status) && { content: { [mediaType]: { schema: success } } }),
        },
      }
      for (const [code, declared] of Object.entries(docs.responses ?? {})) {
        const doc: ResponseDoc = typeof declared === 'string' ? { description: declared } : declared
        const isError = Number(code) >= 400
        const content =
          doc.schema !== undefined
            ? { [doc.mediaType ?? 'application/json']: { schema: schemaOf(doc.schema, 'output', `${code} response`) } }
            : isError
              ? errorBody
              : undefined
        responses[code] = {
          description: doc.description ?? STATUS_CODES[code] ?? `Status ${code}`,
          ...(content !== undefined && !NO_CONTENT.has(code) && { content }),
        }
      }
      if (validates) responses['422'] ??= { description: 'Validation Error', content: validationBody }
      const security = routeSecurity([
        ...(info.dependencies ?? []),
        ...(config.dependencies ?? []),
        ...Object.values(config.deps ?? {}),
      ])
      if (security !== undefined) {
        for (const [name, scheme] of security.schemes) {
          const known = securitySchemes[name]
          if (known !== undefined && JSON.stringify(known) !== JSON.stringify(scheme))
            warn(`OpenAPI: two different security schemes are named '${name}'; give one a schemeName`)
          else securitySchemes[name] = scheme
        }
        responses['401'] ??= { description: 'Not authenticated', content: errorBody }
        if (Object.values(security.requirement).some((scopes) => scopes.length > 0))
          responses['403'] ??= { description: 'Not enough permissions', content: errorBody }
      }
      paths[path] ??= {}
      paths[path][m] = {
        ...(config.tags !== undefined && config.tags.length > 0 && { tags: [...config.tags] }),
        ...(config.summary !== undefined && { summary: config.summary }),
        ...(config.description !== undefined && { description: config.description }),
        operationId: ids.of(route, m, path),
        ...(config.deprecated && { deprecated: true }),
        ...(security !== undefined && {
          security: security.optional ? [security.requirement, {}] : [security.requirement],
        }),
        ...(parameters.length > 0 && { parameters }),
        ...(config.body !== undefined && {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(config.body, 'input', 'body') } },
          },
        }),
        responses,
      }
    }
  }
  const schemas = referencedOnly(components.finish(warn), paths)
  for (const message of warnings) (info.logger?.warn ?? consoleWarn)({ openapi: true }, message)
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'FasterAPI',
      version: info.version ?? '0.1.0',
      ...(info.description && { description: info.description }),
    },
    paths,
    components: { schemas, ...(Object.keys(securitySchemes).length > 0 && { securitySchemes }) },
  }
}

// a parameter is one name in one place: the first declaration (the route's own, then its dependencies') wins;
// header names are case-insensitive (RFC 9110 §5.1)
function unique<P extends { name: string; in: string }>(parameters: P[]): P[] {
  const seen = new Set<string>()
  return parameters.filter((p) => {
    const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

// the fixed schemas (HTTPError, ProblemDetails, …) stay only where something refers to them
function referencedOnly(schemas: Record<string, JsonSchema>, paths: object): Record<string, JsonSchema> {
  const kept = new Set<string>()
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return
    const ref = (node as { $ref?: unknown }).$ref
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length)
      if (!kept.has(name)) {
        kept.add(name)
        walk(schemas[name])
      }
    }
    for (const value of Object.values(node)) walk(value)
  }
  walk(paths)
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => kept.has(name) || !(name in FIXED_SCHEMAS)))
}

const consoleWarn = (_details: object, message?: string) => console.warn(message)

// A route's body schema when it declares no `response`: anything for JSON, text for the others, and an event
// stream as its wire text (WHATWG HTML §9.2.6: UTF-8 lines of `field: value`, events separated by a blank line).
function successSchema(mediaType: string): JsonSchema {
  if (mediaType === 'text/event-stream')
    return { type: 'string', description: 'A stream of Server-Sent Events (WHATWG HTML §9.2)' }
  if (mediaType.startsWith('text/')) return { type: 'string' }
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return {}
  return { type: 'string', contentMediaType: mediaType }
}

// Operation ids: a route's `name` (with the method appended when one route serves several), else the default
// id; a clash gets a number, in registration order, so the ids stay stable while routes are only added.
class OperationIds {
  readonly #used = new Set<string>()
  readonly #named = new Set<string>()
  constructor(routes: readonly DocumentedRoute[]) {
    for (const r of routes) if (r.config.name !== undefined && r.method !== '*') this.#named.add(r.config.name)
  }
  of(route: DocumentedRoute, method: string, path: string): string {
    const name = route.config.name
    const base =
      name === undefined ? defaultOperationId(method, path) : route.method === '*' ? `${name}${pascal(method)}` : name
    let id = base
    for (let n = 2; this.#used.has(id) || (id !== name && this.#named.has(id)); n++) id = `${base}${n}`
    this.#used.add(id)
    return id
  }
}
