// Serializers compiled from a response schema's JSON Schema, for the shape where they measured faster than
// JSON.stringify on Node 24 (bench/serializer.bench.ts): one object of known fields. Arrays at the top level,
// records, unions and anything the compiler does not know keep JSON.stringify, which measured faster there.
type JsonSchema = Record<string, unknown>

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JSON must escape
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

// Compiles to plain functions, one per object schema (no closures per call): `fns` collects their sources,
// and an expression refers to object k as `f${k}(value)`.
class Compiler {
  readonly fns: string[] = []

  // the expression that serializes `access`, or undefined when the schema is outside what we compile
  emit(schema: JsonSchema, access: string, depth: number): string | undefined {
    if (Array.isArray(schema.type)) {
      // nullable: { type: ['string', 'null'] }
      const types = schema.type.filter((t) => t !== 'null')
      if (types.length !== 1 || types.length === schema.type.length) return undefined
      const inner = this.emit({ ...schema, type: types[0] }, access, depth)
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
        const simple = items !== undefined && ['string', 'number', 'integer', 'boolean'].includes(items.type as string)
        return simple ? `h.${items.type === 'string' ? 'strs' : 'any'}(${access})` : `h.any(${access})`
      }
      case 'object': {
        if (depth >= MAX_DEPTH) return undefined
        const k = this.object(schema, depth)
        return k === undefined ? undefined : `f${k}(${access})`
      }
      default:
        return undefined
    }
  }

  object(schema: JsonSchema, depth: number): number | undefined {
    const properties = schema.properties as Record<string, JsonSchema> | undefined
    if (properties === undefined || schema.additionalProperties === true) return undefined
    if (typeof schema.additionalProperties === 'object') return undefined
    const k = this.fns.length
    this.fns.push('')
    const lines = [
      `function f${k}(v) {`,
      `if (v === null || typeof v !== 'object' || typeof v.toJSON === 'function') return h.any(v)`,
      `let o = '{', sep = ''`,
    ]
    for (const [name, prop] of Object.entries(properties)) {
      const get = `v[${JSON.stringify(name)}]`
      const expr = this.emit(prop, get, depth + 1)
      if (expr === undefined) return undefined
      // JSON.stringify drops undefined members, so an absent optional field is skipped the same way
      lines.push(
        `if (${get} !== undefined) { o += sep + ${JSON.stringify(`${JSON.stringify(name)}:`)} + ${expr}; sep = ',' }`,
      )
    }
    lines.push(`return o + '}'`, '}')
    this.fns[k] = lines.join('\n')
    return k
  }
}

// an array of strings, the one array shape common enough in responses to earn its own loop
function strs(a: unknown): string {
  if (!Array.isArray(a)) return any(a)
  let o = '['
  for (let i = 0; i < a.length; i++) o += (i === 0 ? '' : ',') + str(a[i])
  return `${o}]`
}

/**
 * A serializer for `schema`, or undefined when JSON.stringify is the better (or only safe) choice. The JSON
 * equals JSON.stringify's, with keys in schema order (the order a validated output object already has).
 */
export function compileSerializer(schema: JsonSchema): ((value: unknown) => string) | undefined {
  if (schema.type !== 'object') return undefined
  const compiler = new Compiler()
  if (compiler.object(schema, 0) === undefined) return undefined
  const source = `${compiler.fns.join('\n')}\nreturn f0`
  return new Function('h', source)({ ...HELPERS, strs }) as (value: unknown) => string
}
