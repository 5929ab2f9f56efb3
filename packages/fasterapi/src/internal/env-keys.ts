// Environment variables → the input object a settings schema validates. With the schema's JSON Schema the
// fields are known: each is looked up by name and its text converted to the type the field expects. Without
// one, every variable under the prefix is split on the delimiter into nested keys.
import type { StandardSchemaV1 } from '@fasterapi/http'

export type JsonSchema = {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
}

export interface Variable {
  name: string
  value: string
}

export interface ReadInput {
  input: Record<string, unknown>
  /** 'db.url' → the variable name that was (or would be) read for it. */
  names: Map<string, string>
}

/** The JSON Schema of the settings' input, when the library publishes one (Standard JSON Schema). */
export function jsonSchemaOf(schema: StandardSchemaV1): JsonSchema | undefined {
  const converter = (schema['~standard'] as { jsonSchema?: { input(o: { target: string }): JsonSchema } }).jsonSchema
  if (converter === undefined) return undefined
  try {
    const json = converter.input({ target: 'draft-2020-12' })
    return json.properties === undefined ? undefined : json
  } catch {
    return undefined
  }
}

export function readFromSchema(
  schema: JsonSchema,
  variables: Map<string, Variable>,
  prefix: string,
  delimiter: string,
): ReadInput {
  const names = new Map<string, string>()
  const walk = (node: JsonSchema, path: string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(null)
    for (const [key, field] of Object.entries(node.properties ?? {})) {
      const at = [...path, key]
      const name = variableName(prefix, at, delimiter)
      names.set(at.join('.'), name)
      const found = variables.get(name.toUpperCase())
      const objectField = objectBranch(field)
      if (found !== undefined) out[key] = convert(found.value, field)
      else if (objectField !== undefined) {
        const nested = walk(objectField, at)
        if (Object.keys(nested).length > 0) out[key] = nested
      }
    }
    return out
  }
  return { input: walk(schema, []), names }
}

export function readLoose(variables: Map<string, Variable>, prefix: string, delimiter: string): ReadInput {
  const input: Record<string, unknown> = Object.create(null)
  const upperPrefix = prefix.toUpperCase()
  for (const [upper, { name, value }] of variables) {
    if (!upper.startsWith(upperPrefix) || upper.length === upperPrefix.length) continue
    const path = name.slice(prefix.length).split(delimiter).map(camel)
    let node = input
    for (const key of path.slice(0, -1)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') break
      const next = node[key]
      node = (typeof next === 'object' && next !== null ? next : (node[key] = Object.create(null))) as Record<
        string,
        unknown
      >
    }
    node[path.at(-1)!] = value
  }
  return { input, names: new Map() }
}

export function variableName(prefix: string, path: readonly string[], delimiter: string): string {
  return prefix + path.map(screamingSnake).join(delimiter)
}

// databaseUrl → DATABASE_URL; names already in capitals stay as they are
function screamingSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

// DATABASE_URL → databaseUrl
function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function types(field: JsonSchema): string[] {
  const own = field.type === undefined ? [] : [field.type].flat()
  return [...own, ...(field.anyOf ?? field.oneOf ?? []).flatMap(types)]
}

function objectBranch(field: JsonSchema): JsonSchema | undefined {
  if (field.properties !== undefined) return field
  return (field.anyOf ?? field.oneOf ?? []).find((branch) => branch.properties !== undefined)
}

// the text as the type the field expects, when it reads as one; anything else is left for the schema to refuse
function convert(text: string, field: JsonSchema): unknown {
  const expected = types(field)
  if (expected.length === 0 || expected.includes('string')) return text
  const trimmed = text.trim()
  if ((expected.includes('number') || expected.includes('integer')) && trimmed !== '' && !Number.isNaN(+trimmed))
    return Number(trimmed)
  if (expected.includes('boolean')) {
    const lower = trimmed.toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(lower)) return true
    if (['false', '0', 'no', 'off'].includes(lower)) return false
  }
  if (expected.includes('null') && (trimmed === '' || trimmed.toLowerCase() === 'null')) return null
  if (expected.includes('object') || expected.includes('array')) {
    try {
      return JSON.parse(trimmed, (key, value) => (key === '__proto__' ? undefined : value))
    } catch {}
  }
  return text
}
