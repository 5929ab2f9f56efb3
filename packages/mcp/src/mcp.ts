// The mount: `mcp(app, options)` adds the MCP endpoint (POST only) to the app and computes the tool set when
// the app starts. Every call is answered by whichever process receives it: nothing is kept between requests
// (no session ids), so `listen({ workers })` and any load balancer need nothing extra.
import { type App, Response, type StandardSchemaV1 } from '@fasterapi/http'
import { serveRequest } from './endpoint.ts'
import { McpConfigError } from './errors.ts'
import { currentCatalog, type McpState } from './internal/state.ts'
import { protectedResourceMetadata } from './oauth.ts'
import type { McpOptions } from './options.ts'
import type { PromptOptions, PromptOutput } from './prompts.ts'
import type { ResourceDefinition } from './resources.ts'
import type { ToolDefinition } from './tools.ts'

/**
 * The MCP endpoint of an app: its routes as tools, GET routes tagged 'resource' as resources, and prompts.
 * Create it with {@link mcp} or `app.mcp()`.
 */
export class McpServer {
  readonly app: App
  readonly path: string
  readonly name: string
  readonly version: string
  readonly #state: McpState

  constructor(app: App, options: McpOptions = {}) {
    const path = options.path ?? '/mcp'
    if (!path.startsWith('/')) throw new McpConfigError(`path must start with '/', got '${path}'`)
    this.app = app
    this.path = path
    this.name = options.name ?? app.settings.title ?? 'fasterapi'
    this.version = options.version ?? app.settings.version ?? '0.1.0'
    const state: McpState = {
      app,
      path,
      name: this.name,
      version: this.version,
      options,
      forward: (options.headers ?? ['authorization']).map((h) => h.toLowerCase()),
      prompts: new Map(),
      inFlight: new Map(),
      catalog: undefined,
      routeCount: -1,
    }
    this.#state = state
    const limit = options.bodyLimit ?? 4 * 1024 * 1024
    app.post(path, { includeInSchema: false }, ({ request, signal }) => serveRequest(state, request, signal, limit))
    if (options.oauth !== undefined) {
      const metadata = options.oauth
      app.get(`/.well-known/oauth-protected-resource${path}`, { includeInSchema: false }, ({ request }) =>
        Response.json(protectedResourceMetadata(request, path, metadata)),
      )
    }
    // computed at startup, from every route registered by then (routes declared after mcp() included)
    app.onEvent('startup', () => {
      this.tools()
    })
  }

  /**
   * Declares a prompt: `schema` (any Standard Schema, or undefined) checks the arguments, `fn` returns a text or messages.
   * @example
   * server.prompt('review', z.object({ code: z.string() }), ({ code }) => `Review this code:\n${code}`)
   */
  prompt<S extends StandardSchemaV1 | undefined>(
    name: string,
    schema: S,
    fn: (
      args: S extends StandardSchemaV1<any, infer O> ? O : Record<string, string>,
    ) => PromptOutput | Promise<PromptOutput>,
    options: PromptOptions = {},
  ): this {
    const prompts = this.#state.prompts
    if (prompts.has(name)) throw new McpConfigError(`prompt '${name}' is already declared`)
    prompts.set(name, { name, schema, fn, options })
    return this
  }

  /** The tools, in the order tools/list gives them (recomputed if routes were added since). */
  tools(): readonly ToolDefinition[] {
    return currentCatalog(this.#state).tools
  }

  /** The resources and resource templates. */
  resources(): readonly ResourceDefinition[] {
    return currentCatalog(this.#state).resources
  }
}

/**
 * Serves `app`'s routes as MCP tools at `options.path` (POST; GET and DELETE answer 405).
 * @example
 * const server = mcp(app, { path: '/mcp', name: 'shop', include: { tags: ['items'] } })
 * server.prompt('summarize', z.object({ id: z.string() }), ({ id }) => `Summarize item ${id}`)
 */
export function mcp(app: App, options: McpOptions = {}): McpServer {
  return new McpServer(app, options)
}
