// JSON Schema work for tool definitions: local `$ref`s inlined (clients strip or cannot resolve them:
// FastMCP #2366, #2808), OpenAPI path templates mapped back to the router's patterns.

export type JsonSchema = Record<string, unknown>

const MAX_DEPTH = 32

/**
 * Inlines every `#/$defs/…`, `#/definitions/…` and `#/components/schemas/…` reference of `schema`, looked up in
 * `roots`; a recursive reference is cut to `{}` (any value) at the point where it would repeat, so the result is
 * finite and holds no `$ref`.
 */
export function dereference(schema: unknown, roots: readonly JsonSchema[]): JsonSchema {
  const out = inline(schema, roots, new Set(), 0)
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as JsonSchema) : {}
}

function inline(node: unknown, roots: readonly JsonSchema[], seen: Set<string>, depth: number): unknown {
  if (depth > MAX_DEPTH) return {}
  if (Array.isArray(node)) return node.map((n) => inline(n, roots, seen, depth + 1))
  if (typeof node !== 'object' || node === null) return node
  const record = node as JsonSchema
  const ref = record.$ref
  if (typeof ref === 'string') {
    const { $ref: _, ...siblings } = record
    if (seen.has(ref)) return inline(siblings, roots, seen, depth + 1) // recursion: stop here
    const target = resolve(ref, roots)
    const next = new Set(seen).add(ref)
    const resolved = inline(target ?? {}, roots, next, depth + 1) as JsonSchema
    const rest = inline(siblings, roots, seen, depth + 1) as JsonSchema
    return Object.keys(rest).length === 0 ? resolved : { ...resolved, ...rest }
  }
  const out: JsonSchema = {}
  for (const key of Object.keys(record)) {
    if (key === '$defs' || key === 'definitions' || key === '$schema' || key === '$id') continue
    out[key] = inline(record[key], roots, seen, depth + 1)
  }
  return out
}

function resolve(ref: string, roots: readonly JsonSchema[]): unknown {
  if (!ref.startsWith('#/')) return undefined
  const parts = ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
  for (const root of roots) {
    let at: unknown = root
    for (const part of parts) {
      if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) {
        at = undefined
        break
      }
      at = (at as JsonSchema)[part]
    }
    if (at !== undefined) return at
  }
  return undefined
}

/** '/users/{id:int}/files/{rest:path}' → '/users/{id}/files/{rest}', the key of the OpenAPI `paths` object. */
export function openapiPathOf(pattern: string): string {
  return pattern
    .replace(/\{(\w+)(?::\w+)?\}/g, (_, name: string) => `{${name}}`)
    .replace(/\/\*(\w*)$/, (_, name: string) => `/{${name || 'wildcard'}}`)
}

/** True when `schema` describes an object (what MCP requires of input and output schemas). */
export function isObjectSchema(schema: JsonSchema): boolean {
  return schema.type === 'object' || (schema.type === undefined && typeof schema.properties === 'object')
}
