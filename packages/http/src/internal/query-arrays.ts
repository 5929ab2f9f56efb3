// Query keys whose schema is an array (FastAPI's `list[str] = Query()`): decided once from the schema's JSON
// Schema at registration, so `?tag=a` reaches that schema as ['a'] without a per-request look at the schema.
import { type JsonSchema, jsonSchemaOf, type StandardSchemaV1 } from '../schema.ts'

/** The keys of a query object schema that accept an array; none when the schema cannot describe itself. */
export function arrayKeysOf(schema: StandardSchemaV1<any, any>): string[] {
  const json = jsonSchemaOf(schema, 'input') as { properties?: Record<string, JsonSchema> }
  const out: string[] = []
  for (const [key, property] of Object.entries(json.properties ?? {})) if (acceptsArray(property)) out.push(key)
  return out
}

function acceptsArray(schema: JsonSchema): boolean {
  if (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array'))) return true
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  return alternatives?.some(acceptsArray) === true
}

// invariant: only the keys the schema declares as arrays are touched, and a copy is made only when one of
// them holds a single string; the request's own query object is never changed
export function withArrays<Q extends Record<string, unknown>>(query: Q, arrayKeys: readonly string[]): Q {
  let out: Q | undefined
  for (const key of arrayKeys) {
    const value = query[key]
    if (typeof value === 'string') {
      out ??= Object.assign(Object.create(null), query) as Q
      ;(out as Record<string, unknown>)[key] = [value]
    }
  }
  return out ?? query
}
