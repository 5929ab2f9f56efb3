// The options of a mount (`mcp(app, options)` / `app.mcp(options)`), each with its default.
import type { OAuthOptions } from './oauth.ts'
import type { RouteFilter } from './tools.ts'

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
