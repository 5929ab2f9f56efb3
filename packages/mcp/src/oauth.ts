// OAuth 2.0 Protected Resource Metadata (RFC 9728), as MCP's authorization spec asks of a server that takes
// bearer tokens: a 401 names the metadata document in `WWW-Authenticate` (RFC 9728 §5.1), and the document at
// /.well-known/oauth-protected-resource<path> (§3.1) lists the authorization servers.
import type { IncomingHttpHeaders } from 'node:http'
import type { RequestContext } from '@fasterapi/http'

export interface OAuthOptions {
  /** Issuer URLs of the authorization servers whose tokens the routes accept. */
  authorizationServers: readonly string[]
  /** The scopes the routes use (`scopes_supported`). */
  scopes?: readonly string[]
  /** The public origin of this server (`https://api.example.com`); taken from the Host header otherwise. */
  publicUrl?: string
}

function originOf(options: OAuthOptions, headers: IncomingHttpHeaders): string {
  if (options.publicUrl !== undefined) return options.publicUrl.replace(/\/$/, '')
  const host = String(headers.host ?? headers[':authority'] ?? 'localhost')
  return `http://${host}`
}

/** The RFC 9728 document for the MCP endpoint at `path`. */
export function protectedResourceMetadata(
  request: RequestContext,
  path: string,
  options: OAuthOptions,
): Record<string, unknown> {
  return {
    resource: originOf(options, request.headers) + path,
    authorization_servers: [...options.authorizationServers],
    bearer_methods_supported: ['header'],
    ...(options.scopes !== undefined && { scopes_supported: [...options.scopes] }),
  }
}

/** `Bearer resource_metadata="…"` (RFC 9728 §5.1, RFC 6750 §3). */
export function wwwAuthenticate(options: OAuthOptions, path: string, headers: IncomingHttpHeaders): string {
  const url = `${originOf(options, headers)}/.well-known/oauth-protected-resource${path}`
  const scope = options.scopes !== undefined && options.scopes.length > 0 ? `, scope="${options.scopes.join(' ')}"` : ''
  return `Bearer resource_metadata="${url}"${scope}`
}
