// Custom headers from tool parameters (MCP 2026-07-28, Streamable HTTP "Custom Headers", SEP-2243): a property of
// a tool's input schema annotated `x-mcp-header: Name` is mirrored by the client into `Mcp-Param-Name`, so a proxy
// can route on it without reading the body. The server that reads the body MUST reject a call whose header is
// missing, malformed or unlike the argument (400, -32020 HeaderMismatch), as for Mcp-Method and Mcp-Name.
import type { IncomingHttpHeaders } from 'node:http'
import { ErrorCode, McpConfigError, McpRequestError } from '../errors.ts'
import { decodeHeaderValue } from './checks.ts'
import type { RequestId } from './json-rpc.ts'
import type { JsonSchema } from './schema.ts'

/** One annotated parameter: its header suffix, where its value sits in the arguments, and its type. */
export interface ParamHeader {
  /** The `x-mcp-header` value: the header is `Mcp-Param-${name}`. */
  name: string
  /** Lower-case header name, as node gives request headers. */
  header: string
  path: readonly string[]
  type: 'string' | 'integer' | 'boolean'
}

// RFC 9110 §5.1 field-name: 1*tchar
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const TYPES = new Set(['string', 'integer', 'boolean'])

/**
 * The annotated parameters of a tool's (dereferenced) input schema, at any depth of nested objects. A declaration
 * that breaks the spec's constraints (a non-token name, a duplicate ignoring case, a type other than string,
 * integer or boolean) is an McpConfigError: clients MUST drop such a tool, so the mount refuses to offer it.
 */
export function paramHeadersOf(tool: string, schema: JsonSchema): ParamHeader[] {
  const out: ParamHeader[] = []
  const walk = (node: JsonSchema, path: string[]) => {
    const properties = node.properties as Record<string, JsonSchema> | undefined
    if (properties === undefined || typeof properties !== 'object') return
    for (const [key, property] of Object.entries(properties)) {
      if (property === null || typeof property !== 'object') continue
      const at = [...path, key]
      const name = property['x-mcp-header']
      if (name !== undefined) {
        const where = `tool '${tool}', parameter '${at.join('.')}'`
        if (typeof name !== 'string' || !TOKEN.test(name)) {
          throw new McpConfigError(
            `x-mcp-header of ${where} must be an HTTP token (RFC 9110 §5.1), got ${JSON.stringify(name)}`,
          )
        }
        if (typeof property.type !== 'string' || !TYPES.has(property.type)) {
          throw new McpConfigError(
            `x-mcp-header of ${where} needs a string, integer or boolean type, got ${JSON.stringify(property.type)}`,
          )
        }
        const header = `mcp-param-${name.toLowerCase()}`
        if (out.some((p) => p.header === header)) {
          throw new McpConfigError(`x-mcp-header '${name}' of ${where} is declared twice (names ignore case)`)
        }
        out.push({ name, header, path: at, type: property.type as ParamHeader['type'] })
      }
      if (property.type === 'object') walk(property, at)
    }
  }
  walk(schema, [])
  return out
}

/** Rejects a tools/call whose `Mcp-Param-*` headers do not mirror its arguments (400, -32020). */
export function checkParamHeaders(
  declared: readonly ParamHeader[],
  headers: IncomingHttpHeaders,
  args: Record<string, unknown>,
  id: RequestId,
): void {
  for (const param of declared) {
    let value: unknown = args
    for (const key of param.path)
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
    const raw = headers[param.header]
    const given = Array.isArray(raw) ? raw[0] : raw
    const header = `Mcp-Param-${param.name}`
    // an absent or null argument has no header (the client omits it); a header without its argument is a mismatch
    if (value === undefined || value === null) {
      if (given !== undefined)
        throw mismatch(id, `${header} is set but the argument '${param.path.join('.')}' is absent`)
      continue
    }
    if (given === undefined) throw mismatch(id, `the ${header} header is missing`)
    const decoded = decodeHeaderValue(given)
    if (decoded === undefined) throw mismatch(id, `the ${header} header is not valid Base64`)
    if (decoded !== canonical(value)) {
      throw mismatch(id, `${header} header value '${decoded}' does not match argument value '${canonical(value)}'`)
    }
  }
}

// how a client writes an argument into its header: integers in decimal, booleans as true/false
function canonical(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
}

function mismatch(id: RequestId, detail: string): McpRequestError {
  return new McpRequestError(400, ErrorCode.HeaderMismatch, `Header mismatch: ${detail}`, undefined, id)
}
