// A tools/call run through the app: arguments become the route's path, query and JSON body, the allowlisted
// headers of the MCP request are forwarded, and the route's answer becomes a tool result. 4xx: a tool error
// with the route's detail (the model can correct its call); 5xx: a tool error without internals.
import type { IncomingHttpHeaders } from 'node:http'
import type { App } from '@fasterapi/http'
import { EventStreamParser } from '@fasterapi/sse'
import { type RouteResult, type RouteRun, runRoute } from './internal/in-process.ts'
import { bodyFor, type ToolDefinition, urlFor } from './tools.ts'

export type ContentItem = { type: 'text'; text: string } | { type: 'image' | 'audio'; data: string; mimeType: string }

export interface ToolResult {
  content: ContentItem[]
  structuredContent?: unknown
  isError?: boolean
}

/** A progress step: `progress` grows with each one; `message` is the event's data or the chunk's text. */
export type OnProgress = (progress: number, message: string) => void

export interface ToolCall {
  run: RouteRun
  /** The route's response, as a tool result; `status` is the route's HTTP status. */
  result: Promise<{ status: number; tool: ToolResult; headers: RouteResult['headers'] }>
}

/** Starts the route behind `tool` with `args`; streamed output is reported through `onProgress`. */
export function callTool(
  app: App,
  tool: ToolDefinition,
  args: Record<string, unknown>,
  forwarded: IncomingHttpHeaders,
  onProgress: OnProgress | undefined,
): ToolCall {
  const body = bodyFor(tool.route, args)
  const headers: IncomingHttpHeaders = { ...forwarded, accept: 'application/json, text/event-stream' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const events: string[] = []
  let step = 0
  let parser: EventStreamParser | undefined // only an event-stream route needs one
  const parserFor = () =>
    (parser ??= new EventStreamParser({
      onEvent: (event) => {
        events.push(event.data)
        onProgress?.(++step, event.data)
      },
    }))
  const run = runRoute(
    app,
    {
      method: tool.route.method,
      url: urlFor(tool.route, args),
      headers,
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    },
    (chunk, responseHeaders) => {
      if (isEventStream(responseHeaders)) parserFor().feed(chunk)
      else onProgress?.(++step, chunk.toString('utf8'))
    },
  )
  const result = run.result.then((r) => {
    parser?.end()
    return { status: r.status, headers: r.headers, tool: toToolResult(r, tool, events) }
  })
  return { run, result }
}

function isEventStream(headers: RouteResult['headers']): boolean {
  return String(headers['content-type'] ?? '').startsWith('text/event-stream')
}

function toToolResult(r: RouteResult, tool: ToolDefinition, events: readonly string[]): ToolResult {
  if (r.status >= 500) {
    return { isError: true, content: [{ type: 'text', text: `The tool failed on the server (HTTP ${r.status}).` }] }
  }
  if (isEventStream(r.headers)) {
    return { content: [{ type: 'text', text: events.join('\n') }], ...(r.status >= 400 && { isError: true }) }
  }
  const type = String(r.headers['content-type'] ?? '')
  if (r.status < 400 && (type.startsWith('image/') || type.startsWith('audio/'))) {
    const mimeType = type.split(';')[0]!.trim()
    const kind = type.startsWith('image/') ? 'image' : 'audio'
    return { content: [{ type: kind, data: r.body.toString('base64'), mimeType }] }
  }
  const text = r.body.toString('utf8')
  if (r.status >= 400) {
    return { isError: true, content: [{ type: 'text', text: text === '' ? `HTTP ${r.status}` : text }] }
  }
  const content: ContentItem[] = [{ type: 'text', text }]
  if (tool.outputSchema !== undefined && type.includes('json')) {
    try {
      return { content, structuredContent: JSON.parse(text) }
    } catch {
      // not JSON after all: the text alone
    }
  }
  return { content }
}
