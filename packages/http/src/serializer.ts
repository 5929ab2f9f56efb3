// Serializers compiled from a response schema's JSON Schema, for the shape where they measured faster than
// JSON.stringify on Node 24 (bench/serializer.bench.ts): one object of known fields. Arrays at the top level,
// records, unions and anything the compiler does not know keep JSON.stringify, which measured faster there.
type JsonSchema = Record<string, unknown>

const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/

// invariant: each helper returns exactly what JSON.stringify returns for its value
function str(s: unknown): string {
  if (typeof s !== 'string') return JSON.stringify(s) ?? 'null'
  return s.length < 64 && !NEEDS_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s)
}
function num(n: unknown): string {
  return typeof n === 'number' ? (Number.isFinite(n) ? `${n}` : 'null') : (JSON.stringify(n) ?? 'null')
}
function bool(b: unknown): string {
  return b === true ? 'true' : b === false ? 'false' : (JSON.stringify(b) ?? 'null')
}
function any(v: unknown): string {
  return JSON.stringify(v) ?? 'null'
}

const HELPERS = { str, num, bool, any }
const MAX_DEPTH = 4

// Returns the expression that serializes `access`, or undefined when the schema is outside what we compile.
function emit(schema: JsonSchema, access: string, depth: number): string | undefined {
  if (Array.isArray(schema.type)) {
    // nullable: { type: ['string', 'null'] }
    const types = schema.type.filter((t) => t !== 'null')
    if (types.length !== 1 || types.length === schema.type.length) return undefined
    const inner = emit({ ...schema, type: types[0] }, access, depth)
    return inner === undefined ? undefined : `(${access} === null ? 'null' : ${inner})`
  }
  switch (schema.type) {
    case 'string':
      return `h.str(${access})`
    case 'number':
    case 'integer':
      return `h.num(${access})`
    case 'boolean':
      return `h.bool(${access})`
    case 'null':
      return `'null'`
    case 'array': {
      const items = schema.items as JsonSchema | undefined
      if (
        items === undefined ||
        depth >= MAX_DEPTH ||
        !['string', 'number', 'integer', 'boolean'].includes(items.type as string)
      ) {
        return `h.any(${access})`
      }
      const item = emit(items, 'a[i]', depth + 1)!
      return `((a) => { if (!Array.isArray(a)) return h.any(a); let o = '['; for (let i = 0; i < a.length; i++) o += (i ? ',' : '') + ${item}; return o + ']' })(${access})`
    }
    case 'object':
      return depth >= MAX_DEPTH ? undefined : emitObject(schema, access, depth)
    default:
      return undefined
  }
}

function emitObject(schema: JsonSchema, access: string, depth: number): string | undefined {
  const properties = schema.properties as Record<string, JsonSchema> | undefined
  if (properties === undefined || schema.additionalProperties === true) return undefined
  if (typeof schema.additionalProperties === 'object') return undefined
  const v = `v${depth}`
  const lines = [
    `const ${v} = ${access}; if (${v} === null || typeof ${v} !== 'object' || typeof ${v}.toJSON === 'function') return h.any(${v}); let o = '{'; let sep = ''`,
  ]
  for (const [name, prop] of Object.entries(properties)) {
    const get = `${v}[${JSON.stringify(name)}]`
    const expr = emit(prop, get, depth + 1)
    if (expr === undefined) return undefined
    const key = JSON.stringify(`${JSON.stringify(name)}:`)
    const write = `{ o += sep + ${key} + ${expr}; sep = ',' }`
    // JSON.stringify drops undefined members, so an absent optional field is skipped the same way
    lines.push(`if (${get} !== undefined) ${write}`)
  }
  lines.push(`return o + '}'`)
  return `(() => { ${lines.join('\n')} })()`
}

/**
 * A serializer for `schema`, or undefined when JSON.stringify is the better (or only safe) choice. The JSON
 * equals JSON.stringify's, with keys in schema order (the order a validated output object already has).
 */
export function compileSerializer(schema: JsonSchema): ((value: unknown) => string) | undefined {
  if (schema.type !== 'object') return undefined
  const body = emitObject(schema, 'value', 0)
  if (body === undefined) return undefined
  const fn = new Function('h', `return (value) => ${body}`) as (h: typeof HELPERS) => (value: unknown) => string
  return fn(HELPERS)
}
