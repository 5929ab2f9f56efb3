// What one mount holds, as a plain object the endpoint's functions share: the app, the resolved options, the
// prompts, the calls in flight, and the tool set cached until routes are added.
import type { IncomingHttpHeaders } from 'node:http'
import type { App } from '@fasterapi/http'
import type { McpOptions } from '../options.ts'
import type { PromptDefinition } from '../prompts.ts'
import { buildResources, type ResourceDefinition } from '../resources.ts'
import { buildTools, documentedOperations, selected, type ToolDefinition } from '../tools.ts'
import { slugify } from './names.ts'
import { type ParamHeader, paramHeadersOf } from './param-headers.ts'
import type { JsonSchema } from './schema.ts'

export interface Catalog {
  tools: ToolDefinition[]
  byName: Map<string, ToolDefinition>
  /** The `x-mcp-header` parameters of each tool that declares some. */
  paramHeaders: Map<string, ParamHeader[]>
  resources: ResourceDefinition[]
}

export interface McpState {
  readonly app: App
  readonly path: string
  readonly name: string
  readonly version: string
  readonly options: McpOptions
  /** Lower-case names of the MCP request's headers passed on to routes. */
  readonly forward: readonly string[]
  readonly prompts: Map<string, PromptDefinition>
  /** Calls in flight in this process, for a 2025-era `notifications/cancelled` (a modern client closes the stream). */
  readonly inFlight: Map<string, () => void>
  catalog: Catalog | undefined
  /** How many routes the app had when `catalog` was computed. */
  routeCount: number
}

/** The tool set and resources, recomputed when routes were added since the last time. */
export function currentCatalog(state: McpState): Catalog {
  const count = state.app.router.routes().length
  if (state.catalog !== undefined && count === state.routeCount) return state.catalog
  const doc = state.app.openapi()
  const roots = [doc as JsonSchema]
  const ops = documentedOperations(state.app)
  const tag = state.options.resourceTag ?? 'resource'
  const isResource = (op: (typeof ops)[number]) => op.method === 'GET' && (op.operation.tags ?? []).includes(tag)
  const tools = buildTools(
    ops.filter((op) => !isResource(op) && selected(op, state.options.include, state.options.exclude)),
    state.name,
    roots,
  )
  const base = state.options.resourceBase ?? `app://${slugify(state.name)}`
  const resources = buildResources(ops.filter(isResource), base)
  const paramHeaders = new Map<string, ParamHeader[]>()
  for (const tool of tools) {
    const declared = paramHeadersOf(tool.name, tool.inputSchema)
    if (declared.length > 0) paramHeaders.set(tool.name, declared)
  }
  state.catalog = { tools, byName: new Map(tools.map((t) => [t.name, t])), paramHeaders, resources }
  state.routeCount = count
  return state.catalog
}

/** The allowlisted headers of the MCP request, for the route it runs. */
export function forwardedHeaders(state: McpState, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const name of state.forward) if (headers[name] !== undefined) out[name] = headers[name] as string
  return out
}

/** A call's key in `inFlight`: request ids are only unique per client, so the caller's credentials are part of it. */
export function flightKey(headers: IncomingHttpHeaders, id: unknown): string {
  return `${String(headers.authorization ?? '')}\u0000${typeof id}:${String(id)}`
}
