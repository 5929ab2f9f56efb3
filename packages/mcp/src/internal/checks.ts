// Transport checks of Streamable HTTP 2026-07-28: Origin/Host against DNS rebinding ("Security & Endpoint"),
// the protocol version, and the request metadata headers mirrored from the body ("Server Validation").
import type { IncomingHttpHeaders } from 'node:http'
import { ErrorCode, McpRequestError } from '../errors.ts'
import type { RpcMessage } from './json-rpc.ts'

export const MODERN_VERSIONS = ['2026-07-28'] as const
/** Served statelessly after an `initialize`: no session id is minted, any process answers any call. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const
export const SUPPORTED_VERSIONS: readonly string[] = [...MODERN_VERSIONS, ...LEGACY_VERSIONS]

const META_VERSION = 'io.modelcontextprotocol/protocolVersion'
const META_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities'
const NAMED_METHODS: Record<string, 'name' | 'uri'> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase()
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h.endsWith('.localhost')
}

/** `host[:port]` → host; '[::1]:80' → '[::1]'. */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  const colon = host.indexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}

export interface OriginPolicy {
  allowedOrigins: readonly string[]
  allowedHosts: readonly string[] | true
}

/** 403 for an Origin (or Host) that is neither loopback nor listed: a page on another site is never served. */
export function checkOrigin(headers: IncomingHttpHeaders, policy: OriginPolicy): void {
  const origin = headers.origin
  if (origin !== undefined && origin !== 'null') {
    let hostname: string
    try {
      hostname = new URL(origin).hostname
    } catch {
      throw new McpRequestError(403, ErrorCode.InvalidRequest, 'Forbidden: malformed Origin header')
    }
    if (!isLoopbackHost(hostname) && !policy.allowedOrigins.includes(origin)) {
      throw new McpRequestError(403, ErrorCode.InvalidRequest, `Forbidden: Origin ${origin} is not allowed`)
    }
  } else if (origin === 'null') {
    throw new McpRequestError(403, ErrorCode.InvalidRequest, 'Forbidden: an opaque Origin is not allowed')
  }
  const host = headers.host ?? headers[':authority']
  if (policy.allowedHosts === true || typeof host !== 'string') return
  const hostname = hostnameOf(host)
  if (!isLoopbackHost(hostname) && !policy.allowedHosts.includes(host) && !policy.allowedHosts.includes(hostname)) {
    throw new McpRequestError(403, ErrorCode.InvalidRequest, `Forbidden: Host ${host} is not allowed`)
  }
}

/** Which revision a request speaks, from its `MCP-Protocol-Version` header and `_meta`; 'initialize' for a 2025-era handshake. */
export function protocolOf(headers: IncomingHttpHeaders, message: RpcMessage): string {
  const header = single(headers['mcp-protocol-version'])
  const meta = message.params._meta as Record<string, unknown> | undefined
  const metaVersion = meta?.[META_VERSION]
  if (metaVersion !== undefined || (header !== undefined && isModern(header))) {
    if (header === undefined) throw mismatch(message, 'the MCP-Protocol-Version header is missing')
    if (!SUPPORTED_VERSIONS.includes(header)) throw unsupported(message, header)
    // SEP-2575: a modern request without its _meta fields is Invalid params (400 on HTTP)
    if (metaVersion === undefined) throw invalidMeta(message, `_meta["${META_VERSION}"] is missing`)
    if (header !== metaVersion) {
      throw mismatch(message, `MCP-Protocol-Version '${header}' does not match _meta '${String(metaVersion)}'`)
    }
    if (isModern(header)) {
      if (typeof meta?.[META_CAPABILITIES] !== 'object' || meta[META_CAPABILITIES] === null) {
        throw invalidMeta(message, `_meta["${META_CAPABILITIES}"] is missing`)
      }
      checkMirroredHeaders(headers, message)
    }
    return header
  }
  if (message.method === 'initialize') return 'initialize'
  const version = header ?? '2025-03-26' // a client older than 2025-06-18 sends no header (transport spec MAY)
  if (!SUPPORTED_VERSIONS.includes(version)) throw unsupported(message, version)
  return version
}

function unsupported(message: RpcMessage, requested: string): McpRequestError {
  return new McpRequestError(
    400,
    ErrorCode.UnsupportedProtocolVersion,
    'Unsupported protocol version',
    { supported: SUPPORTED_VERSIONS, requested },
    message.id,
  )
}

function invalidMeta(message: RpcMessage, detail: string): McpRequestError {
  return new McpRequestError(400, ErrorCode.InvalidParams, `Invalid params: ${detail}`, undefined, message.id)
}

// Mcp-Method and Mcp-Name must repeat the body; a mismatch is how a proxy routing on headers gets fooled
function checkMirroredHeaders(headers: IncomingHttpHeaders, message: RpcMessage): void {
  const method = single(headers['mcp-method'])
  if (method === undefined) throw mismatch(message, 'the Mcp-Method header is missing')
  if (method !== message.method) {
    throw mismatch(message, `Mcp-Method header value '${method}' does not match body value '${message.method}'`)
  }
  const field = NAMED_METHODS[message.method]
  if (field === undefined) return
  const raw = single(headers['mcp-name'])
  if (raw === undefined) throw mismatch(message, 'the Mcp-Name header is missing')
  const name = decodeHeaderValue(raw)
  if (name === undefined) throw mismatch(message, 'the Mcp-Name header is not valid Base64')
  const body = message.params[field]
  if (name !== body) {
    throw mismatch(message, `Mcp-Name header value '${name}' does not match body value '${String(body)}'`)
  }
}

// RFC 4648 §4 base64 with its padding: whole 4-character groups, '=' only at the end
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A header value, decoded from the `=?base64?…?=` sentinel when it carries one (2026-07-28 "Encoding"): a value
 * without both the prefix and the suffix is literal; inside them, bad padding, a character outside the
 * alphabet or bytes that are not UTF-8 give undefined (the caller rejects the request).
 */
export function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith('=?base64?') || !value.endsWith('?=') || value.length < 11) return value
  const encoded = value.slice(9, -2)
  if (!BASE64.test(encoded)) return undefined
  try {
    return UTF8.decode(Buffer.from(encoded, 'base64'))
  } catch {
    return undefined
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function mismatch(message: RpcMessage, detail: string): McpRequestError {
  return new McpRequestError(400, ErrorCode.HeaderMismatch, `Header mismatch: ${detail}`, undefined, message.id)
}

export function isModern(version: string): boolean {
  return (MODERN_VERSIONS as readonly string[]).includes(version)
}
