// tools/call over the transport: the route runs in-process; with a progress token and an Accept that allows it,
// its streamed output becomes `notifications/progress` on an event-stream answer whose last event is the result.
// Closing the answer (2026-07-28) or `notifications/cancelled` (2025 era) aborts the route's signal.
import type { IncomingHttpHeaders } from 'node:http'
import { PassThrough } from 'node:stream'
import { Response } from '@fasterapi/http'
import { callTool } from './call.ts'
import { ErrorCode, McpRequestError } from './errors.ts'
import { EVENT_STREAM, errorAnswer, JSON_HEADERS, modernResult } from './internal/answers.ts'
import { errorMessage, notificationMessage, type RequestId, resultMessage } from './internal/json-rpc.ts'
import { checkParamHeaders } from './internal/param-headers.ts'
import { currentCatalog, flightKey, forwardedHeaders, type McpState } from './internal/state.ts'
import { wwwAuthenticate } from './oauth.ts'

/** Starts the call and resolves with its answer: JSON once the route is done, or an event stream at its first progress. */
export function answerToolCall(
  state: McpState,
  id: RequestId,
  params: Record<string, any>,
  headers: IncomingHttpHeaders,
  signal: AbortSignal,
  modern: boolean,
): Promise<Response> {
  const catalog = currentCatalog(state)
  const tool = catalog.byName.get(params.name)
  if (tool === undefined)
    throw new McpRequestError(200, ErrorCode.InvalidParams, `Unknown tool: ${String(params.name)}`)
  const args = params.arguments ?? {}
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new McpRequestError(200, ErrorCode.InvalidParams, '"arguments" must be an object')
  }
  // Mcp-Param-* headers exist from 2026-07-28 on; an older client never sends them
  const declared = catalog.paramHeaders.get(tool.name)
  if (modern && declared !== undefined) checkParamHeaders(declared, headers, args, id)
  const token = params._meta?.progressToken
  const streams = token !== undefined && String(headers.accept ?? '').includes('text/event-stream')
  let stream: PassThrough | undefined
  let answer!: (r: Response) => void
  const answered = new Promise<Response>((resolve) => {
    answer = resolve
  })
  // the first progress step turns the answer into an event stream; the result is its last event
  const send = (line: string) => {
    if (stream === undefined) {
      stream = new PassThrough()
      answer(Response.stream(stream, { headers: EVENT_STREAM, contentType: 'text/event-stream' }))
    }
    stream.write(`event: message\ndata: ${line}\n\n`)
  }
  const onProgress = streams
    ? (progress: number, message: string) =>
        send(notificationMessage('notifications/progress', { progressToken: token, progress, message }))
    : undefined
  const call = callTool(state.app, tool, args as Record<string, unknown>, forwardedHeaders(state, headers), onProgress)
  let cancelled = false
  const cancel = () => {
    cancelled = true
    call.run.cancel()
  }
  signal.addEventListener('abort', cancel, { once: true })
  const key = flightKey(headers, id)
  state.inFlight.set(key, cancel)
  call.result.then(
    ({ status, tool: result }) => {
      // a cancelled request gets no further message (2026-07-28 basic/patterns/cancellation): the stream just ends
      if (cancelled) {
        if (stream === undefined) answer(new Response('', { headers: EVENT_STREAM }))
        else stream.end()
        return
      }
      if (status === 401 && state.options.oauth !== undefined && stream === undefined) {
        answer(
          new Response(errorMessage(id, ErrorCode.InvalidRequest, 'Unauthorized'), {
            status: 401,
            headers: { ...JSON_HEADERS, 'www-authenticate': wwwAuthenticate(state.options.oauth, state.path, headers) },
          }),
        )
        return
      }
      const body = resultMessage(id, modern ? modernResult(state, 'tools/call', result as never) : result)
      if (stream === undefined) answer(new Response(body, { headers: JSON_HEADERS }))
      else {
        stream.write(`event: message\ndata: ${body}\n\n`)
        stream.end()
      }
    },
    (error: unknown) => {
      const response = errorAnswer(state, error, id, modern)
      if (stream === undefined) answer(response)
      else {
        stream.write(`event: message\ndata: ${String(response.body)}\n\n`)
        stream.end()
      }
    },
  )
  const settled = () => {
    signal.removeEventListener('abort', cancel)
    if (state.inFlight.get(key) === cancel) state.inFlight.delete(key)
  }
  call.result.then(settled, settled)
  return answered
}
