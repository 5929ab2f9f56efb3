// JSON-RPC 2.0 messages as MCP's Streamable HTTP carries them: one request or notification per POST
// (batches were removed in 2025-06-18), parsed without trusting the input.
import { ErrorCode, McpRequestError } from '../errors.ts'

export type RequestId = string | number

export interface RpcMessage {
  id: RequestId | undefined
  method: string
  params: Record<string, any>
}

/** Parses and checks one JSON-RPC message; a malformed one throws McpRequestError with the spec's codes. */
export function parseMessage(raw: Buffer): RpcMessage {
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new McpRequestError(400, ErrorCode.ParseError, 'Parse error: the body is not JSON')
  }
  if (Array.isArray(value)) {
    throw new McpRequestError(400, ErrorCode.InvalidRequest, 'Invalid Request: batches are not supported')
  }
  if (typeof value !== 'object' || value === null) {
    throw new McpRequestError(400, ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC object')
  }
  const message = value as Record<string, unknown>
  const id = message.id
  if (message.jsonrpc !== '2.0') {
    throw new McpRequestError(400, ErrorCode.InvalidRequest, 'Invalid Request: "jsonrpc" must be "2.0"')
  }
  if (id !== undefined && typeof id !== 'string' && !(typeof id === 'number' && Number.isInteger(id))) {
    throw new McpRequestError(400, ErrorCode.InvalidRequest, 'Invalid Request: "id" must be a string or an integer')
  }
  if (typeof message.method !== 'string') {
    const what = 'result' in message || 'error' in message ? 'a client may not send responses' : '"method" is missing'
    throw new McpRequestError(400, ErrorCode.InvalidRequest, `Invalid Request: ${what}`, undefined, id)
  }
  const params = message.params
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    throw new McpRequestError(
      400,
      ErrorCode.InvalidRequest,
      'Invalid Request: "params" must be an object',
      undefined,
      id,
    )
  }
  return { id: id as RequestId | undefined, method: message.method, params: (params ?? {}) as Record<string, any> }
}

export function resultMessage(id: RequestId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result })
}

export function errorMessage(id: RequestId | undefined | null, code: number, message: string, data?: unknown): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: id ?? null,
    error: data === undefined ? { code, message } : { code, message, data },
  })
}

export function notificationMessage(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params })
}
