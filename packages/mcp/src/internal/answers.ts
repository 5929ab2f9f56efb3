// The HTTP answers of the endpoint: a JSON-RPC error with the status the transport gives it, and the fields the
// 2026-07-28 revision adds to every result.
import { HTTPException, Response } from '@fasterapi/http'
import { ErrorCode, McpRequestError } from '../errors.ts'
import { errorMessage, type RequestId } from './json-rpc.ts'
import type { McpState } from './state.ts'

export const JSON_HEADERS = { 'content-type': 'application/json' }
export const EVENT_STREAM = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
}

/** `error` as an answer: an McpRequestError with its status; an HTTPException is rethrown; anything else is a 500. */
export function errorAnswer(state: McpState, error: unknown, id: RequestId | undefined, modern: boolean): Response {
  if (error instanceof McpRequestError) {
    // a 2025-era client reads JSON-RPC errors from a 200; the 2026 transport gives 404 for an unknown method
    const status = error.status === 404 && !modern ? 200 : error.status
    return new Response(errorMessage(error.id ?? id, error.rpcCode, error.message, error.data), {
      status,
      headers: JSON_HEADERS,
    })
  }
  if (error instanceof HTTPException) throw error
  state.app.settings.logger?.error({ err: error }, 'mcp request failed')
  return new Response(errorMessage(id, ErrorCode.InternalError, 'Internal error'), {
    status: 500,
    headers: JSON_HEADERS,
  })
}

/** A 2026-07-28 result: `resultType`, the server's info in `_meta`, and cache hints on lists and reads. */
export function modernResult(
  state: McpState,
  method: string,
  result: Record<string, unknown>,
): Record<string, unknown> {
  const cacheable = method.endsWith('/list') || method === 'server/discover' || method === 'resources/read'
  return {
    ...result,
    resultType: 'complete',
    ...(cacheable && {
      ttlMs: method === 'resources/read' ? 0 : (state.options.listTtlMs ?? 300_000),
      cacheScope: 'private',
    }),
    _meta: {
      ...(result._meta as object),
      'io.modelcontextprotocol/serverInfo': { name: state.name, version: state.version },
    },
  }
}
