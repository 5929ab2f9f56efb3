// The methods answered with one JSON result (every method but tools/call): the handshake of 2025-era clients,
// server/discover, the lists, resources/read and prompts/get.
import type { IncomingHttpHeaders } from 'node:http'
import type { RequestContext } from '@fasterapi/http'
import { complete } from './completion.ts'
import { ErrorCode, McpRequestError } from './errors.ts'
import { isModern, LEGACY_VERSIONS, SUPPORTED_VERSIONS } from './internal/checks.ts'
import { runRoute } from './internal/in-process.ts'
import { currentCatalog, forwardedHeaders, type McpState } from './internal/state.ts'
import { describePrompt, getPrompt } from './prompts.ts'
import { resolveResource } from './resources.ts'

/** The result of `method`; an unknown one is -32601 (404 in 2026-07-28). */
export async function dispatch(
  state: McpState,
  method: string,
  params: Record<string, any>,
  version: string,
  request: RequestContext,
): Promise<Record<string, unknown>> {
  switch (method) {
    case 'initialize': {
      const asked = params.protocolVersion
      const chosen = (LEGACY_VERSIONS as readonly string[]).includes(asked) ? asked : LEGACY_VERSIONS[0]
      return {
        protocolVersion: chosen,
        capabilities: capabilities(state),
        serverInfo: { name: state.name, version: state.version },
        ...(state.options.instructions !== undefined && { instructions: state.options.instructions }),
      }
    }
    case 'server/discover':
      return {
        supportedVersions: SUPPORTED_VERSIONS,
        capabilities: capabilities(state),
        ...(state.options.instructions !== undefined && { instructions: state.options.instructions }),
      }
    case 'ping':
      return {}
    case 'tools/list':
      return { tools: currentCatalog(state).tools.map(({ route: _, ...tool }) => tool) }
    case 'resources/list':
      return {
        resources: currentCatalog(state)
          .resources.filter((r) => r.uri !== undefined)
          .map(({ name, description, uri }) => ({ name, uri, ...(description !== undefined && { description }) })),
      }
    case 'resources/templates/list':
      return {
        resourceTemplates: currentCatalog(state)
          .resources.filter((r) => r.uriTemplate !== undefined)
          .map(({ name, description, uriTemplate }) => ({
            name,
            uriTemplate,
            ...(description !== undefined && { description }),
          })),
      }
    case 'resources/read':
      return await readResource(state, params.uri, version, request.headers)
    case 'prompts/list':
      return { prompts: [...state.prompts.values()].map(describePrompt) }
    case 'prompts/get': {
      const prompt = state.prompts.get(params.name)
      if (prompt === undefined)
        throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`)
      return await getPrompt(prompt, params.arguments)
    }
    case 'completion/complete':
      return complete(state, params)
    default:
      throw new McpRequestError(404, ErrorCode.MethodNotFound, `Method not found: ${method}`)
  }
}

function capabilities(state: McpState): Record<string, unknown> {
  const { resources } = currentCatalog(state)
  return {
    tools: { listChanged: false },
    ...(resources.length > 0 && { resources: {} }),
    ...(state.prompts.size > 0 && { prompts: { listChanged: false } }),
    // suggestions for prompt arguments and template parameters (from their enums)
    ...((state.prompts.size > 0 || resources.some((r) => r.uriTemplate !== undefined)) && { completions: {} }),
  }
}

async function readResource(
  state: McpState,
  uri: unknown,
  version: string,
  headers: IncomingHttpHeaders,
): Promise<Record<string, unknown>> {
  // 2026-07-28 moved "resource not found" from -32002 to -32602 (Invalid Params)
  const notFound = () =>
    new McpRequestError(
      200,
      isModern(version) ? ErrorCode.InvalidParams : -32002,
      `Resource not found: ${String(uri)}`,
      {
        uri,
      },
    )
  if (typeof uri !== 'string') throw new McpRequestError(200, ErrorCode.InvalidParams, '"uri" must be a string')
  const url = resolveResource(currentCatalog(state).resources, uri)
  if (url === undefined) throw notFound()
  const request = { method: 'GET', url, headers: forwardedHeaders(state, headers), body: undefined }
  const r = await runRoute(state.app, request).result
  if (r.status === 404) throw notFound()
  if (r.status >= 400) {
    const detail = r.status >= 500 ? `HTTP ${r.status}` : r.body.toString('utf8')
    throw new McpRequestError(200, ErrorCode.InternalError, `Reading ${uri} failed: ${detail}`)
  }
  const mimeType = String(r.headers['content-type'] ?? 'application/octet-stream')
    .split(';')[0]!
    .trim()
  const textual = mimeType.startsWith('text/') || mimeType.includes('json') || mimeType.includes('xml')
  return {
    contents: [
      textual ? { uri, mimeType, text: r.body.toString('utf8') } : { uri, mimeType, blob: r.body.toString('base64') },
    ],
  }
}
