// The tool set: every route in the app's OpenAPI document (what `includeInSchema` keeps) that the mount's
// include/exclude lets through becomes one tool. Computed once the app starts, from every route registered
// by then, so routes declared after `mcp(app)` are tools too (fastapi_mcp #63).
import type { App } from '@fasterapi/http'
import { nameLimit, slugify, uniqueName } from './internal/names.ts'
import { dereference, isObjectSchema, type JsonSchema, openapiPathOf } from './internal/schema.ts'

/** Which routes become tools: by OpenAPI tag or operation id (the route's `name`). */
export interface RouteFilter {
  tags?: readonly string[]
  operationIds?: readonly string[]
}

/** A tool as `tools/list` shows it, with how a call maps back onto its route. */
export interface ToolDefinition {
  name: string
  description?: string
  inputSchema: JsonSchema
  outputSchema?: JsonSchema
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean }
  /** The route behind the tool. */
  route: RouteTarget
}

/** Where a call's arguments go: path params, query params and the JSON body. */
export interface RouteTarget {
  method: string
  pattern: string
  operationId: string | undefined
  tags: readonly string[]
  pathParams: readonly string[]
  queryParams: readonly string[]
  /** 'flat': the body's properties sit beside the params; 'nested': under `body`; 'none': no body. */
  body: 'flat' | 'nested' | 'none'
  bodyKeys: readonly string[]
}

/** A route as the OpenAPI document describes it. */
export interface DocumentedOperation {
  method: string
  pattern: string
  operation: Record<string, any>
}

const TOOL_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])

/** Every documented route of `app`, in registration order. */
export function documentedOperations(app: App): DocumentedOperation[] {
  const doc = app.openapi() as { paths?: Record<string, Record<string, Record<string, unknown>>> }
  const out: DocumentedOperation[] = []
  const seen = new Set<string>()
  for (const route of app.router.routes()) {
    const item = doc.paths?.[openapiPathOf(route.pattern)]
    if (item === undefined) continue
    const methods = route.method === '*' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : [route.method]
    for (const method of methods) {
      const operation = item[method.toLowerCase()]
      const key = `${method} ${route.pattern}`
      if (operation === undefined || !TOOL_METHODS.has(method) || seen.has(key)) continue
      seen.add(key)
      out.push({ method, pattern: route.pattern, operation })
    }
  }
  return out
}

/** True when `op` passes `include` (when given) and not `exclude`. */
export function selected(op: DocumentedOperation, include?: RouteFilter, exclude?: RouteFilter): boolean {
  const tags: string[] = op.operation.tags ?? []
  const id: string | undefined = op.operation.operationId
  const matches = (f: RouteFilter) =>
    (f.tags ?? []).some((t) => tags.includes(t)) || (id !== undefined && (f.operationIds ?? []).includes(id))
  if (include !== undefined && !matches(include)) return false
  return exclude === undefined || !matches(exclude)
}

/** The tools for `operations`, sorted by name (a deterministic order lets clients cache the list). */
export function buildTools(operations: readonly DocumentedOperation[], serverName: string, roots: JsonSchema[]) {
  const limit = nameLimit(serverName)
  const taken = new Set<string>()
  const tools: ToolDefinition[] = []
  for (const op of operations) {
    const id: string | undefined = op.operation.operationId
    const base = slugify(id ?? `${op.method}_${op.pattern.replace(/\{(\w+)(?::\w+)?\}/g, 'by_$1')}`)
    tools.push(toolFor(op, uniqueName(base, limit, taken), roots))
  }
  return tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function toolFor(op: DocumentedOperation, name: string, roots: JsonSchema[]): ToolDefinition {
  const { operation } = op
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  const pathParams: string[] = []
  const queryParams: string[] = []
  for (const p of (operation.parameters ?? []) as {
    name: string
    in: string
    required?: boolean
    schema?: unknown
  }[]) {
    if (p.in !== 'path' && p.in !== 'query') continue
    ;(p.in === 'path' ? pathParams : queryParams).push(p.name)
    properties[p.name] = dereference(p.schema ?? {}, roots)
    if (p.required) required.push(p.name)
  }
  let body: RouteTarget['body'] = 'none'
  let bodyKeys: string[] = []
  const bodySchema = operation.requestBody?.content?.['application/json']?.schema
  if (bodySchema !== undefined) {
    const schema = dereference(bodySchema, roots)
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>
    bodyKeys = Object.keys(props)
    const clash = bodyKeys.some((k) => k in properties)
    if (isObjectSchema(schema) && !clash && schema.anyOf === undefined && schema.oneOf === undefined) {
      body = 'flat'
      Object.assign(properties, props)
      for (const r of (schema.required ?? []) as string[]) required.push(r)
    } else {
      body = 'nested'
      properties.body = schema
      required.push('body')
    }
  }
  const inputSchema: JsonSchema = {
    type: 'object',
    properties,
    ...(required.length > 0 && { required }),
  }
  const responses = (operation.responses ?? {}) as Record<string, any>
  const ok = Object.keys(responses).find((s) => s.startsWith('2'))
  const responseSchema = ok === undefined ? undefined : responses[ok]?.content?.['application/json']?.schema
  const output = responseSchema === undefined ? undefined : dereference(responseSchema, roots)
  const description = [operation.summary, operation.description].filter((s) => typeof s === 'string').join('\n\n')
  return {
    name,
    ...(description !== '' && { description }),
    inputSchema,
    ...(output !== undefined && isObjectSchema(output) && { outputSchema: output }),
    annotations:
      op.method === 'GET'
        ? { readOnlyHint: true }
        : { readOnlyHint: false, destructiveHint: op.method === 'DELETE', idempotentHint: op.method !== 'POST' },
    route: {
      method: op.method,
      pattern: op.pattern,
      operationId: operation.operationId,
      tags: operation.tags ?? [],
      pathParams,
      queryParams,
      body,
      bodyKeys,
    },
  }
}

/** The request path and query for a call's arguments. */
export function urlFor(target: RouteTarget, args: Record<string, unknown>): string {
  let path = target.pattern.replace(/\{(\w+)(?::(\w+))?\}/g, (_, name: string, type?: string) => {
    const value = String(args[name] ?? '')
    return type === 'path' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value)
  })
  path = path.replace(/\/\*(\w*)$/, (_, name: string) => `/${String(args[name || 'wildcard'] ?? '')}`)
  const query = new URLSearchParams()
  for (const name of target.queryParams) {
    const value = args[name]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) for (const v of value) query.append(name, scalar(v))
    else query.append(name, scalar(value))
  }
  const search = query.toString()
  return search === '' ? path : `${path}?${search}`
}

function scalar(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** The JSON body for a call's arguments, or undefined for a route without one. */
export function bodyFor(target: RouteTarget, args: Record<string, unknown>): unknown {
  if (target.body === 'none') return undefined
  if (target.body === 'nested') return args.body
  const body: Record<string, unknown> = {}
  for (const key of target.bodyKeys) if (Object.hasOwn(args, key)) body[key] = args[key]
  return body
}
