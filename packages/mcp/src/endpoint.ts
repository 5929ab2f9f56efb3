// The MCP endpoint's POST, as the 2026-07-28 Streamable HTTP transport orders its checks: Origin/Host, the body
// (size, JSON-RPC shape), the protocol version and mirrored headers, then the method. Nothing is kept between
// requests, so any process answers any call.
import { HTTPException, type RequestContext, Response } from '@fasterapi/http'
import { ErrorCode, McpRequestError } from './errors.ts'
import { errorAnswer, JSON_HEADERS, modernResult } from './internal/answers.ts'
import { checkOrigin, isModern, protocolOf } from './internal/checks.ts'
import { parseMessage, type RequestId, resultMessage } from './internal/json-rpc.ts'
import { flightKey, type McpState } from './internal/state.ts'
import { dispatch } from './methods.ts'
import { answerToolCall } from './tool-call.ts'

const KNOWN_NOTIFICATIONS = /^notifications\//
// removed by 2026-07-28 (SEP-2575): a modern request for one is an unknown method (404)
const LEGACY_ONLY = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe'])

/** Answers one POST to the endpoint; every failure becomes the JSON-RPC error and status the transport gives it. */
export async function serveRequest(
  state: McpState,
  request: RequestContext,
  signal: AbortSignal,
  limit: number,
): Promise<Response> {
  const headers = request.headers
  let id: RequestId | undefined
  let modern = false
  try {
    checkOrigin(headers, {
      allowedOrigins: state.options.allowedOrigins ?? [],
      allowedHosts: state.options.allowedHosts ?? [],
    })
    let raw: Buffer
    try {
      raw = await request.exchange.readBody(limit).toPromise()
    } catch (error) {
      if (error instanceof HTTPException && error.status === 413) {
        throw new McpRequestError(413, ErrorCode.InvalidRequest, `Request body is larger than ${limit} bytes`)
      }
      throw error
    }
    const message = parseMessage(raw)
    id = message.id
    const version = protocolOf(headers, message)
    modern = isModern(version)
    if (id === undefined) {
      if (message.method === 'notifications/cancelled')
        state.inFlight.get(flightKey(headers, message.params.requestId))?.()
      if (!KNOWN_NOTIFICATIONS.test(message.method)) {
        throw new McpRequestError(400, ErrorCode.MethodNotFound, `Unknown notification: ${message.method}`)
      }
      return new Response(null, { status: 202 })
    }
    if (modern && LEGACY_ONLY.has(message.method)) {
      throw new McpRequestError(404, ErrorCode.MethodNotFound, `Method not found: ${message.method}`)
    }
    if (message.method === 'tools/call') return await answerToolCall(state, id, message.params, headers, signal, modern)
    const result = await dispatch(state, message.method, message.params, version, request)
    return new Response(resultMessage(id, modern ? modernResult(state, message.method, result) : result), {
      headers: JSON_HEADERS,
    })
  } catch (error) {
    return errorAnswer(state, error, id, modern)
  }
}
