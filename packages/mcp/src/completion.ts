// completion/complete: suggestions for a prompt argument or a resource template parameter, from the values its
// schema allows (`enum`, `const`, or a union of them). A free-form string has nothing to suggest, so it gets an
// empty list, which the spec allows; only a reference to nothing is an error.
import { ErrorCode, McpRequestError } from './errors.ts'
import { dereference, type JsonSchema } from './internal/schema.ts'
import { currentCatalog, type McpState } from './internal/state.ts'
import { promptJsonSchema } from './prompts.ts'
import { documentedOperations } from './tools.ts'

// the spec's limit on `values` in one answer (2025-06-18 server/utilities/completion)
const MAX_VALUES = 100

/** The completion result for `params` (`ref`, `argument.name`, `argument.value`). */
export function complete(state: McpState, params: Record<string, any>): Record<string, unknown> {
  const ref = params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined
  const argument = params.argument as { name?: unknown; value?: unknown } | undefined
  if (typeof argument?.name !== 'string' || typeof argument.value !== 'string') {
    throw new McpRequestError(200, ErrorCode.InvalidParams, '"argument" needs a string name and value')
  }
  const candidates = allowedValues(schemaOf(state, ref, argument.name))
  // values that start with what was typed first, then those that merely contain it, each group in schema order
  const typed = argument.value.toLowerCase()
  const starts = candidates.filter((v) => v.toLowerCase().startsWith(typed))
  const contains = candidates.filter((v) => !v.toLowerCase().startsWith(typed) && v.toLowerCase().includes(typed))
  const matches = [...starts, ...contains]
  return {
    completion: {
      values: matches.slice(0, MAX_VALUES),
      total: matches.length,
      hasMore: matches.length > MAX_VALUES,
    },
  }
}

// the JSON Schema of the argument `name` of what `ref` points at; undefined when it declares no such argument
function schemaOf(state: McpState, ref: { type?: unknown; name?: unknown; uri?: unknown } | undefined, name: string) {
  if (ref?.type === 'ref/prompt') {
    const prompt = typeof ref.name === 'string' ? state.prompts.get(ref.name) : undefined
    if (prompt === undefined)
      throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown prompt: ${String(ref.name)}`)
    return (promptJsonSchema(prompt).properties as Record<string, JsonSchema> | undefined)?.[name]
  }
  if (ref?.type === 'ref/resource') {
    const resource = currentCatalog(state).resources.find((r) => r.uriTemplate === ref.uri || r.uri === ref.uri)
    if (resource === undefined) {
      throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown resource template: ${String(ref.uri)}`)
    }
    const op = documentedOperations(state.app).find((o) => o.method === 'GET' && o.pattern === resource.pattern)
    const parameters = (op?.operation.parameters ?? []) as { in?: string; name?: string; schema?: unknown }[]
    const param = parameters.find((p) => p.in === 'path' && p.name === name)
    return param === undefined ? undefined : dereference(param.schema, [state.app.openapi() as JsonSchema])
  }
  throw new McpRequestError(200, ErrorCode.InvalidParams, '"ref" must be a ref/prompt or a ref/resource')
}

// the string values `schema` allows, when it lists them
function allowedValues(schema: JsonSchema | undefined): string[] {
  if (schema === undefined) return []
  if (Array.isArray(schema.enum)) return schema.enum.filter((v): v is string => typeof v === 'string')
  if (typeof schema.const === 'string') return [schema.const]
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  return Array.isArray(union) ? [...new Set(union.flatMap(allowedValues))] : []
}
