// JSON-RPC and MCP error codes, and the package's own error class. Codes are quoted from the JSON-RPC 2.0
// spec §5.1 and MCP 2026-07-28 basic/index "Error codes" (-32020…-32099 are reserved for MCP).

/** JSON-RPC 2.0 §5.1 and MCP 2026-07-28 error codes. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** MCP 2026-07-28: an `MCP-Protocol-Version`, `Mcp-Method` or `Mcp-Name` header missing or unlike the body. */
  HeaderMismatch: -32020,
  /** MCP 2026-07-28: the requested protocol version is not served; `data.supported` lists those that are. */
  UnsupportedProtocolVersion: -32022,
} as const

/** A mount that cannot work as configured (bad path, a prompt declared twice, …). */
export class McpConfigError extends Error {
  readonly code = 'MCP_ERR_CONFIG'
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'McpConfigError'
  }
}

/** An error answered to the client as a JSON-RPC error with `status` as the HTTP status. */
export class McpRequestError extends Error {
  readonly code = 'MCP_ERR_REQUEST'
  readonly rpcCode: number
  readonly status: number
  readonly data: unknown
  /** The id of the request it answers, when it could be read. */
  readonly id: string | number | undefined
  constructor(status: number, rpcCode: number, message: string, data?: unknown, id?: unknown) {
    super(message)
    this.name = 'McpRequestError'
    this.status = status
    this.rpcCode = rpcCode
    this.data = data
    this.id = typeof id === 'string' || typeof id === 'number' ? id : undefined
  }
}
