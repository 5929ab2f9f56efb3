// Route schemas into OpenAPI component schemas. Each schema goes through Standard JSON Schema (zod and others
// implement it) on the side the document needs: 'input' for what a client sends, 'output' for what it gets.
// What JSON Schema cannot describe is handled per field: a Date is a date-time string (JSON.stringify writes
// one), anything else takes the schema's other side, and failing that `{}`, each time with a warning that
// names the route and the field. A schema with a name (zod `.meta({ id })`, or `named()`) becomes one entry of
// components.schemas; the names are settled once the whole document is known (`Item`, or `Item-Input` and
// `Item-Output` when the two sides differ, as FastAPI does).
import type { JsonSchema, StandardSchemaV1 } from './schema.ts'

export type Io = 'input' | 'output'
export type Warn = (message: string) => void

const MARK = 'x-fasterapi-unrepresentable'
const DEFS = '#/$defs/'
const names = new WeakMap<object, string>()

/**
 * Names a schema for the OpenAPI document: it is emitted once under `components/schemas/<name>` and
 * referenced wherever it is used. zod's `.meta({ id })` does the same for zod schemas, nested ones included.
 * @example const Note = named('Note', z.object({ id: z.number(), text: z.string() }))
 */
export function named<S extends StandardSchemaV1>(name: string, schema: S): S {
  names.set(schema, name)
  return schema
}

interface Mark {
  path: readonly (string | number)[]
  message: string
}

// zod calls this (its `unrepresentable` library option) where a value has no JSON Schema
function onUnrepresentable(marks: Mark[]) {
  return ({ zodSchema, path, message }: { zodSchema?: any; path?: (string | number)[]; message?: string }) => {
    if (zodSchema?._zod?.def?.type === 'date') return { type: 'string', format: 'date-time' }
    marks.push({ path: path ?? [], message: message ?? 'not representable in JSON Schema' })
    return { [MARK]: marks.length - 1 }
  }
}

interface Side {
  json?: JsonSchema
  marks: Mark[]
  error?: string
}

function side(schema: StandardSchemaV1, io: Io): Side {
  const marks: Mark[] = []
  const converter = (schema['~standard'] as { jsonSchema?: Record<Io, (o: object) => JsonSchema> }).jsonSchema
  if (converter === undefined)
    return { marks, error: `its library (${schema['~standard'].vendor}) gives no JSON Schema` }
  try {
    const json = converter[io]({
      target: 'draft-2020-12',
      libraryOptions: { unrepresentable: onUnrepresentable(marks) },
    })
    const { $schema: _, ...rest } = json
    return { json: rest, marks }
  } catch (error) {
    return { marks, error: (error as Error).message }
  }
}

// the node at a converter's path (['properties', 'created', 'items']), through the document's $defs
function at(doc: JsonSchema, path: readonly (string | number)[]): JsonSchema | undefined {
  let node: unknown = doc
  for (const key of path) {
    for (let hops = 0; hops < 8 && isObject(node) && typeof node.$ref === 'string' && !(key in node); hops++) {
      node = refTarget(doc, node.$ref)
    }
    node = isObject(node) ? node[key] : undefined
  }
  return isObject(node) ? node : undefined
}

function refTarget(doc: JsonSchema, ref: string): unknown {
  return ref.startsWith(DEFS) ? (doc.$defs as Record<string, unknown> | undefined)?.[ref.slice(DEFS.length)] : undefined
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

function hasMark(node: unknown): boolean {
  if (!isObject(node)) return false
  if (MARK in node) return true
  return Object.values(node).some(hasMark)
}

// 'properties.created.items' → 'created[]'
function fieldName(path: readonly (string | number)[]): string {
  let out = ''
  for (let i = 0; i < path.length; i++) {
    const key = path[i]
    if (key === 'properties' || key === 'patternProperties') {
      i++
      out += (out === '' ? '' : '.') + String(path[i])
    } else if (key === 'items' || key === 'prefixItems') out += '[]'
    else if (key === 'additionalProperties') out += '{}'
  }
  return out === '' ? '(the whole value)' : out
}

/**
 * The JSON Schema of one side of `schema`, with what it cannot describe filled in per field (see the top of
 * the file) and `warn` told about each. `where` names the value in warnings ('GET /notes response').
 */
export function describeSchema(schema: StandardSchemaV1, io: Io, where: string, warn: Warn): JsonSchema {
  const other: Io = io === 'input' ? 'output' : 'input'
  const main = side(schema, io)
  if (main.json === undefined) {
    const fallback = side(schema, other)
    if (fallback.json !== undefined) {
      warn(`${where}: ${main.error}; documented with the schema's ${other} side`)
      return withoutMarks(fallback.json, fallback.marks, where, warn)
    }
    warn(`${where}: ${main.error}; documented as any value ({})`)
    return {}
  }
  if (main.marks.length === 0) return main.json
  let otherSide: Side | undefined
  replaceMarks(main.json, (i) => {
    const mark = main.marks[i]!
    const field = fieldName(mark.path)
    otherSide ??= side(schema, other)
    const found = otherSide.json === undefined ? undefined : at(otherSide.json, mark.path)
    if (found !== undefined && !hasMark(found) && !JSON.stringify(found).includes('"$ref"')) {
      warn(`${where}, field ${field}: ${mark.message}; documented with the schema's ${other} side`)
      return found
    }
    warn(`${where}, field ${field}: ${mark.message}; documented as any value ({})`)
    return {}
  })
  return main.json
}

function withoutMarks(json: JsonSchema, marks: Mark[], where: string, warn: Warn): JsonSchema {
  replaceMarks(json, (i) => {
    warn(`${where}, field ${fieldName(marks[i]!.path)}: ${marks[i]!.message}; documented as any value ({})`)
    return {}
  })
  return json
}

function replaceMarks(node: unknown, fill: (i: number) => JsonSchema): void {
  if (!isObject(node)) return
  for (const [key, value] of Object.entries(node)) {
    if (isObject(value) && typeof value[MARK] === 'number') {
      const { [MARK]: i, ...rest } = value
      node[key] = { ...rest, ...fill(i as number) }
    } else replaceMarks(value, fill)
  }
}

interface Use {
  node: Record<string, unknown>
  name: string
  io: Io
  body: string
}

/**
 * components.schemas under construction: `add()` takes a converted schema, moves its $defs out and returns it
 * with references left open; `finish()` settles every name and writes the references.
 */
export class ComponentSchemas {
  readonly #uses: Use[] = []
  readonly #bodies = new Map<string, Map<string, { io: Io; json: JsonSchema }>>()
  readonly #fixed: Record<string, JsonSchema>

  constructor(fixed: Record<string, JsonSchema>) {
    this.#fixed = fixed
  }

  /** The schema of `schema`'s `io` side for the document; `where` names it in warnings. */
  add(schema: StandardSchemaV1, io: Io, where: string, warn: Warn): JsonSchema {
    const json = describeSchema(schema, io, where, warn)
    const { $defs, ...root } = json as JsonSchema & { $defs?: Record<string, JsonSchema> }
    const defs = { ...$defs }
    // invariant: $defs names are unique within one conversion; zod's own names for unnamed shared parts
    // ('__schema0') are not unique across conversions, so they take the place they are used in
    const prefix = sanitize(where.replace(/[{}]/g, ''))
    const local = (name: string) => (/^__schema\d+$/.test(name) ? `${prefix}_${name.slice(8)}` : sanitize(name))
    let top: JsonSchema = root
    const name = names.get(schema)
    if (name !== undefined && typeof root.$ref !== 'string') {
      defs[name] = root
      top = { $ref: `${DEFS}${name}` }
    }
    const texts = new Map<string, string>() // name → the body this conversion gave it
    for (const [def, body] of Object.entries(defs)) texts.set(local(def), this.#body(local(def), io, body))
    const refs = { io, local, texts }
    this.#collect(top, refs)
    for (const body of Object.values(defs)) this.#collect(body, refs)
    return top
  }

  /** The schema a component reference stands for (before `finish()`), to read a parameter list from it. */
  resolve(json: JsonSchema): JsonSchema {
    const use = this.#uses.find((u) => u.node === json)
    if (use === undefined) return json
    return this.#bodies.get(use.name)?.get(use.body)?.json ?? json
  }

  #body(name: string, io: Io, json: JsonSchema): string {
    let bodies = this.#bodies.get(name)
    if (bodies === undefined) this.#bodies.set(name, (bodies = new Map()))
    const text = JSON.stringify(json)
    if (!bodies.has(text)) bodies.set(text, { io, json })
    return text
  }

  #collect(node: unknown, refs: { io: Io; local: (name: string) => string; texts: ReadonlyMap<string, string> }): void {
    if (!isObject(node)) return
    if (typeof node.$ref === 'string' && node.$ref.startsWith(DEFS)) {
      const name = refs.local(node.$ref.slice(DEFS.length))
      this.#uses.push({ node, name, io: refs.io, body: refs.texts.get(name) ?? '' })
    }
    for (const value of Object.values(node)) this.#collect(value, refs)
  }

  /** Settles names and writes every reference; returns components.schemas. */
  finish(warn: Warn): Record<string, JsonSchema> {
    const out: Record<string, JsonSchema> = { ...this.#fixed }
    const finalName = new Map<string, Map<string, string>>()
    for (const [name, bodies] of this.#bodies) {
      const chosen = new Map<string, string>()
      const entries = [...bodies.entries()]
      const ios = new Set(entries.map(([, b]) => b.io))
      if (entries.length === 1) chosen.set(entries[0]![0], name)
      else if (entries.length === 2 && ios.size === 2) {
        for (const [text, b] of entries) chosen.set(text, `${name}-${b.io === 'input' ? 'Input' : 'Output'}`)
      } else {
        warn(`OpenAPI: ${entries.length} different schemas are named '${name}'; numbered ${name}, ${name}2, …`)
        entries.forEach(([text], i) => {
          chosen.set(text, i === 0 ? name : `${name}${i + 1}`)
        })
      }
      for (const [text, b] of entries) {
        const final = chosen.get(text)!
        if (final in this.#fixed) warn(`OpenAPI: the schema name '${final}' is reserved; a route's schema replaces it`)
        out[final] = b.json
      }
      finalName.set(name, chosen)
    }
    for (const use of this.#uses) {
      const chosen = finalName.get(use.name)
      use.node.$ref = `#/components/schemas/${chosen?.get(use.body) ?? use.name}`
    }
    return out
  }
}

// component names must match ^[a-zA-Z0-9._-]+$ (OpenAPI 3.1 §4.8.7.1)
const sanitize = (name: string) => name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'Schema'
