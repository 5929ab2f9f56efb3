// The mount: `mcp(app, options)` adds the MCP endpoint (POST only) to the app and computes the tool set when
// the app starts. Every call is answered by whichever process receives it: nothing is kept between requests
// (no session ids), so `listen({ workers })` and any load balancer need nothing extra.
import type { IncomingHttpHeaders } from 'node:http'
import { PassThrough } from 'node:stream'
import { type App, HTTPException, type RequestContext, Response, type StandardSchemaV1 } from '@fasterapi/http'
import { callTool } from './call.ts'
import { ErrorCode, McpConfigError, McpRequestError } from './errors.ts'
import { checkOrigin, isModern, LEGACY_VERSIONS, protocolOf, SUPPORTED_VERSIONS } from './internal/checks.ts'
import { runRoute } from './internal/in-process.ts'
import { errorMessage, notificationMessage, parseMessage, type RequestId, resultMessage } from './internal/json-rpc.ts'
import { slugify } from './internal/names.ts'
import type { JsonSchema } from './internal/schema.ts'
import { type OAuthOptions, protectedResourceMetadata, wwwAuthenticate } from './oauth.ts'
import { describePrompt, getPrompt, type PromptDefinition, type PromptOptions, type PromptOutput } from './prompts.ts'
import { buildResources, type ResourceDefinition, resolveResource } from './resources.ts'
import { buildTools, documentedOperations, type RouteFilter, selected, type ToolDefinition } from './tools.ts'

export interface McpOptions {
  /** Where the MCP endpoint is served. @default '/mcp' */
  path?: string
  /** The server's name in `serverInfo`. @default the app's title, or 'fasterapi' */
  name?: string
  /** @default the app's version, or '0.1.0' */
  version?: string
  /** Guidance for the model on how to use this server. */
  instructions?: string
  /** Only routes with one of these tags or operation ids become tools. @default every documented route */
  include?: RouteFilter
  /** Routes with one of these tags or operation ids never become tools. */
  exclude?: RouteFilter
  /** Headers of the MCP request forwarded to the route (lower case). @default ['authorization'] */
  headers?: readonly string[]
  /** Origins allowed besides loopback ones (`https://app.example.com`). @default [] */
  allowedOrigins?: readonly string[]
  /** Hosts allowed besides loopback ones (`api.example.com`, or with a port); `true` allows any. @default [] */
  allowedHosts?: readonly string[] | true
  /** GET routes with this tag become resources instead of tools. @default 'resource' */
  resourceTag?: string
  /** The URI prefix of resources: '/users/{id}' becomes `${resourceBase}/users/{id}`. @default 'app://<name>' */
  resourceBase?: string
  /** Largest MCP request body in bytes (413 beyond). @default 4 MiB */
  bodyLimit?: number
  /** Bearer tokens from these authorization servers: 401s carry `WWW-Authenticate` with RFC 9728 metadata. */
  oauth?: OAuthOptions
  /** How long clients may cache list results (2026-07-28 `ttlMs`). @default 300000 */
  listTtlMs?: number
}

interface Catalog {
  tools: ToolDefinition[]
  byName: Map<string, ToolDefinition>
  resources: ResourceDefinition[]
}

// calls in flight in this process, for a 2025-era `notifications/cancelled` (a modern client closes the stream)
type InFlight = Map<string, () => void>

const KNOWN_NOTIFICATIONS = /^notifications\//
// removed by 2026-07-28 (SEP-2575): a modern request for one is an unknown method (404)
const LEGACY_ONLY = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe'])
const EVENT_STREAM = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

/**
 * The MCP endpoint of an app: its routes as tools, GET routes tagged 'resource' as resources, and prompts.
 * Create it with {@link mcp}.
 */
export class McpServer {
  readonly app: App
  readonly path: string
  readonly name: string
  readonly version: string
  readonly #options: McpOptions
  readonly #forward: readonly string[]
  readonly #prompts = new Map<string, PromptDefinition>()
  readonly #inFlight: InFlight = new Map()
  #catalog: Catalog | undefined
  #routeCount = -1

  constructor(app: App, options: McpOptions = {}) {
    const path = options.path ?? '/mcp'
    if (!path.startsWith('/')) throw new McpConfigError(`path must start with '/', got '${path}'`)
    this.app = app
    this.path = path
    this.name = options.name ?? app.settings.title ?? 'fasterapi'
    this.version = options.version ?? app.settings.version ?? '0.1.0'
    this.#options = options
    this.#forward = (options.headers ?? ['authorization']).map((h) => h.toLowerCase())
    const limit = options.bodyLimit ?? 4 * 1024 * 1024
    app.post(path, { includeInSchema: false }, ({ request, signal }) => this.#serve(request, signal, limit))
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
    if (this.#prompts.has(name)) throw new McpConfigError(`prompt '${name}' is already declared`)
    this.#prompts.set(name, { name, schema, fn, options })
    return this
  }

  /** The tools, in the order tools/list gives them (recomputed if routes were added since). */
  tools(): readonly ToolDefinition[] {
    return this.#current().tools
  }

  /** The resources and resource templates. */
  resources(): readonly ResourceDefinition[] {
    return this.#current().resources
  }

  #current(): Catalog {
    const count = this.app.router.routes().length
    if (this.#catalog !== undefined && count === this.#routeCount) return this.#catalog
    const doc = this.app.openapi()
    const roots = [doc as JsonSchema]
    const ops = documentedOperations(this.app)
    const tag = this.#options.resourceTag ?? 'resource'
    const isResource = (op: (typeof ops)[number]) => op.method === 'GET' && (op.operation.tags ?? []).includes(tag)
    const tools = buildTools(
      ops.filter((op) => !isResource(op) && selected(op, this.#options.include, this.#options.exclude)),
      this.name,
      roots,
    )
    const base = this.#options.resourceBase ?? `app://${slugify(this.name)}`
    const resources = buildResources(ops.filter(isResource), base)
    this.#catalog = { tools, byName: new Map(tools.map((t) => [t.name, t])), resources }
    this.#routeCount = count
    return this.#catalog
  }

  async #serve(request: RequestContext, signal: AbortSignal, limit: number): Promise<Response> {
    const headers = request.headers
    let id: RequestId | undefined
    let modern = false
    try {
      checkOrigin(headers, {
        allowedOrigins: this.#options.allowedOrigins ?? [],
        allowedHosts: this.#options.allowedHosts ?? [],
      })
      let raw: Buffer
      try {
        raw = await request.exchange.readBody(limit).toPromise()
      } catch (error) {
        if (error instanceof HTTPException && error.status === 413) {
          throw new McpRequestError(413, ErrorCode.InvalidRequest, `Request body is larger than ${limit} bytes`)
        }
        throw error
      }
      const message = parseMessage(raw)
      id = message.id
      const version = protocolOf(headers, message)
      modern = isModern(version)
      if (id === undefined) {
        if (message.method === 'notifications/cancelled')
          this.#inFlight.get(this.#flightKey(headers, message.params.requestId))?.()
        if (!KNOWN_NOTIFICATIONS.test(message.method)) {
          throw new McpRequestError(400, ErrorCode.MethodNotFound, `Unknown notification: ${message.method}`)
        }
        return new Response(null, { status: 202 })
      }
      if (modern && LEGACY_ONLY.has(message.method)) {
        throw new McpRequestError(404, ErrorCode.MethodNotFound, `Method not found: ${message.method}`)
      }
      if (message.method === 'tools/call') return await this.#callTool(id, message.params, headers, signal, modern)
      const result = await this.#dispatch(message.method, message.params, version, request)
      return new Response(resultMessage(id, modern ? this.#modernResult(message.method, result) : result), {
        headers: { 'content-type': 'application/json' },
      })
    } catch (error) {
      return this.#errorResponse(error, id, modern)
    }
  }

  #errorResponse(error: unknown, id: RequestId | undefined, modern: boolean): Response {
    if (error instanceof McpRequestError) {
      // a 2025-era client reads JSON-RPC errors from a 200; the 2026 transport gives 404 for an unknown method
      const status = error.status === 404 && !modern ? 200 : error.status
      return new Response(errorMessage(error.id ?? id, error.rpcCode, error.message, error.data), {
        status,
        headers: { 'content-type': 'application/json' },
      })
    }
    if (error instanceof HTTPException) throw error
    this.app.settings.logger?.error({ err: error }, 'mcp request failed')
    return new Response(errorMessage(id, ErrorCode.InternalError, 'Internal error'), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    })
  }

  #modernResult(method: string, result: Record<string, unknown>): Record<string, unknown> {
    const cacheable = method.endsWith('/list') || method === 'server/discover' || method === 'resources/read'
    return {
      ...result,
      resultType: 'complete',
      ...(cacheable && {
        ttlMs: method === 'resources/read' ? 0 : (this.#options.listTtlMs ?? 300_000),
        cacheScope: 'private',
      }),
      _meta: {
        ...(result._meta as object),
        'io.modelcontextprotocol/serverInfo': { name: this.name, version: this.version },
      },
    }
  }

  #capabilities(): Record<string, unknown> {
    const { resources } = this.#current()
    return {
      tools: { listChanged: false },
      ...(resources.length > 0 && { resources: {} }),
      ...(this.#prompts.size > 0 && { prompts: { listChanged: false } }),
    }
  }

  async #dispatch(
    method: string,
    params: Record<string, any>,
    version: string,
    request: RequestContext,
  ): Promise<Record<string, unknown>> {
    switch (method) {
      case 'initialize': {
        const asked = params.protocolVersion
        const chosen = (LEGACY_VERSIONS as readonly string[]).includes(asked) ? asked : LEGACY_VERSIONS[0]
        return {
          protocolVersion: chosen,
          capabilities: this.#capabilities(),
          serverInfo: { name: this.name, version: this.version },
          ...(this.#options.instructions !== undefined && { instructions: this.#options.instructions }),
        }
      }
      case 'server/discover':
        return {
          supportedVersions: SUPPORTED_VERSIONS,
          capabilities: this.#capabilities(),
          ...(this.#options.instructions !== undefined && { instructions: this.#options.instructions }),
        }
      case 'ping':
        return {}
      case 'tools/list':
        return { tools: this.#current().tools.map(({ route: _, ...tool }) => tool) }
      case 'resources/list':
        return {
          resources: this.#current()
            .resources.filter((r) => r.uri !== undefined)
            .map(({ name, description, uri }) => ({ name, uri, ...(description !== undefined && { description }) })),
        }
      case 'resources/templates/list':
        return {
          resourceTemplates: this.#current()
            .resources.filter((r) => r.uriTemplate !== undefined)
            .map(({ name, description, uriTemplate }) => ({
              name,
              uriTemplate,
              ...(description !== undefined && { description }),
            })),
        }
      case 'resources/read':
        return await this.#readResource(params.uri, version, request.headers)
      case 'prompts/list':
        return { prompts: [...this.#prompts.values()].map(describePrompt) }
      case 'prompts/get': {
        const prompt = this.#prompts.get(params.name)
        if (prompt === undefined)
          throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`)
        return await getPrompt(prompt, params.arguments)
      }
      default:
        throw new McpRequestError(404, ErrorCode.MethodNotFound, `Method not found: ${method}`)
    }
  }

  #forwarded(headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const out: IncomingHttpHeaders = {}
    for (const name of this.#forward) if (headers[name] !== undefined) out[name] = headers[name] as string
    return out
  }

  #flightKey(headers: IncomingHttpHeaders, id: unknown): string {
    return `${String(headers.authorization ?? '')}\u0000${typeof id}:${String(id)}`
  }

  async #readResource(uri: unknown, version: string, headers: IncomingHttpHeaders): Promise<Record<string, unknown>> {
    // 2026-07-28 moved "resource not found" from -32002 to -32602 (Invalid Params)
    const notFound = () =>
      new McpRequestError(
        200,
        isModern(version) ? ErrorCode.InvalidParams : -32002,
        `Resource not found: ${String(uri)}`,
        {
          uri,
        },
      )
    if (typeof uri !== 'string') throw new McpRequestError(200, ErrorCode.InvalidParams, '"uri" must be a string')
    const url = resolveResource(this.#current().resources, uri)
    if (url === undefined) throw notFound()
    const r = await runRoute(this.app, { method: 'GET', url, headers: this.#forwarded(headers), body: undefined })
      .result
    if (r.status === 404) throw notFound()
    if (r.status >= 400) {
      const detail = r.status >= 500 ? `HTTP ${r.status}` : r.body.toString('utf8')
      throw new McpRequestError(200, ErrorCode.InternalError, `Reading ${uri} failed: ${detail}`)
    }
    const mimeType = String(r.headers['content-type'] ?? 'application/octet-stream')
      .split(';')[0]!
      .trim()
    const textual = mimeType.startsWith('text/') || mimeType.includes('json') || mimeType.includes('xml')
    return {
      contents: [
        textual ? { uri, mimeType, text: r.body.toString('utf8') } : { uri, mimeType, blob: r.body.toString('base64') },
      ],
    }
  }

  async #callTool(
    id: RequestId,
    params: Record<string, any>,
    headers: IncomingHttpHeaders,
    signal: AbortSignal,
    modern: boolean,
  ): Promise<Response> {
    const tool = this.#current().byName.get(params.name)
    if (tool === undefined)
      throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown tool: ${String(params.name)}`)
    const args = params.arguments ?? {}
    if (typeof args !== 'object' || Array.isArray(args)) {
      throw new McpRequestError(200, ErrorCode.InvalidParams, '"arguments" must be an object')
    }
    const token = params._meta?.progressToken
    const streams = token !== undefined && String(headers.accept ?? '').includes('text/event-stream')
    let stream: PassThrough | undefined
    let answer!: (r: Response) => void
    const answered = new Promise<Response>((resolve) => {
      answer = resolve
    })
    // the first progress step turns the answer into an event stream; the result is its last event
    const send = (line: string) => {
      if (stream === undefined) {
        stream = new PassThrough()
        answer(Response.stream(stream, { headers: EVENT_STREAM, contentType: 'text/event-stream' }))
      }
      stream.write(`event: message\ndata: ${line}\n\n`)
    }
    const onProgress = streams
      ? (progress: number, message: string) =>
          send(notificationMessage('notifications/progress', { progressToken: token, progress, message }))
      : undefined
    const call = callTool(this.app, tool, args as Record<string, unknown>, this.#forwarded(headers), onProgress)
    let cancelled = false
    const cancel = () => {
      cancelled = true
      call.run.cancel()
    }
    signal.addEventListener('abort', cancel, { once: true })
    const key = this.#flightKey(headers, id)
    this.#inFlight.set(key, cancel)
    call.result.then(
      ({ status, tool: result }) => {
        // a cancelled request gets no further message (2026-07-28 basic/patterns/cancellation): the stream just ends
        if (cancelled) {
          if (stream === undefined) answer(new Response('', { headers: EVENT_STREAM }))
          else stream.end()
          return
        }
        if (status === 401 && this.#options.oauth !== undefined && stream === undefined) {
          answer(
            new Response(errorMessage(id, ErrorCode.InvalidRequest, 'Unauthorized'), {
              status: 401,
              headers: {
                'content-type': 'application/json',
                'www-authenticate': wwwAuthenticate(this.#options.oauth, this.path, headers),
              },
            }),
          )
          return
        }
        const body = resultMessage(id, modern ? this.#modernResult('tools/call', result as never) : result)
        if (stream === undefined) answer(new Response(body, { headers: { 'content-type': 'application/json' } }))
        else {
          stream.write(`event: message\ndata: ${body}\n\n`)
          stream.end()
        }
      },
      (error: unknown) => {
        const response = this.#errorResponse(error, id, modern)
        if (stream === undefined) answer(response)
        else {
          stream.write(`event: message\ndata: ${String(response.body)}\n\n`)
          stream.end()
        }
      },
    )
    const settled = () => {
      signal.removeEventListener('abort', cancel)
      if (this.#inFlight.get(key) === cancel) this.#inFlight.delete(key)
    }
    call.result.then(settled, settled)
    return answered
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
