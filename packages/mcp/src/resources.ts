// GET routes tagged as resources (tag 'resource' by default) become MCP resources: a route without params is a
// resource in resources/list, one with params a resource template (RFC 6570 level 1) in resources/templates/list.
// resources/read finds the route by URI and runs it like any request.
import { slugify } from './internal/names.ts'
import { openapiPathOf } from './internal/schema.ts'
import type { DocumentedOperation } from './tools.ts'

export interface ResourceDefinition {
  name: string
  description?: string
  /** `uri` for a fixed resource, `uriTemplate` for one with params. */
  uri?: string
  uriTemplate?: string
  mimeType?: string
  pattern: string
  /** Matches a URI of this resource; groups are the params in pattern order. */
  match: RegExp
  params: readonly string[]
}

/** The resources of `operations` under `base` ('app://shop' + '/users/{id}'), sorted by name. */
export function buildResources(operations: readonly DocumentedOperation[], base: string): ResourceDefinition[] {
  const out: ResourceDefinition[] = []
  for (const op of operations) {
    const template = base + openapiPathOf(op.pattern)
    const params: string[] = []
    let source = '^'
    let last = 0
    for (const m of template.matchAll(/\{(\w+)\}/g)) {
      source += `${escapeRegExp(template.slice(last, m.index))}([^/]+)`
      params.push(m[1]!)
      last = m.index + m[0].length
    }
    source += `${escapeRegExp(template.slice(last))}$`
    const id: string | undefined = op.operation.operationId
    const description = [op.operation.summary, op.operation.description]
      .filter((s) => typeof s === 'string')
      .join('\n\n')
    out.push({
      name: id ?? slugify(op.pattern),
      ...(description !== '' && { description }),
      ...(params.length === 0 ? { uri: template } : { uriTemplate: template }),
      pattern: op.pattern,
      match: new RegExp(source),
      params,
    })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** The route URL for `uri`, or undefined when no resource has that URI. */
export function resolveResource(resources: readonly ResourceDefinition[], uri: string): string | undefined {
  for (const r of resources) {
    const m = r.match.exec(uri)
    if (m === null) continue
    let i = 1
    return r.pattern.replace(/\{(\w+)(?::\w+)?\}/g, () => m[i++]!)
  }
  return undefined
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
