// Error classes of @fasterapi/sse. Each has a stable `code` that callers can branch on.

export class SseError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * An `event` or `id` value that would break the event framing: CR or LF in either (a second field
 * could be injected), or NUL in `id` (WHATWG HTML §9.2.6: a client ignores such an `id` field).
 */
export class InvalidFieldError extends SseError {
  readonly field: string
  constructor(field: string, message: string) {
    super('SSE_INVALID_FIELD', `Invalid "${field}" field: ${message}`)
    this.field = field
  }
}

/** An invalid option or argument, e.g. a negative `retry`. */
export class InvalidArgumentError extends SseError {
  constructor(message: string) {
    super('SSE_INVALID_ARGUMENT', message)
  }
}

/** The reason a session ended because the client disconnected or the response closed. */
export class SessionClosedError extends SseError {
  constructor(message = 'The event stream is closed') {
    super('SSE_SESSION_CLOSED', message)
  }
}

/** The reason a session ended because its client read too slowly for its bounded queue. */
export class QueueFullError extends SseError {
  readonly limit: number
  constructor(limit: number) {
    super('SSE_QUEUE_FULL', `The client fell behind: more than ${limit} bytes queued`)
    this.limit = limit
  }
}

/** The reason a session ended because its client took no bytes at all for a whole keep-alive interval. */
export class ClientStalledError extends SseError {
  constructor(intervalMs: number) {
    super('SSE_CLIENT_STALLED', `The client read nothing for a whole keep-alive interval (${intervalMs} ms)`)
  }
}

/** The typed client got a response that is not an event stream (status other than 200, or wrong type). */
export class BadResponseError extends SseError {
  readonly status: number
  constructor(status: number, contentType: string | null) {
    super('SSE_BAD_RESPONSE', `Expected 200 text/event-stream, got ${status} ${contentType ?? '(no content type)'}`)
    this.status = status
  }
}

/**
 * Builds a session's close reason without a stack trace. The stack would only show node's event
 * plumbing, and V8 keeps an unformatted stack's frames — their receivers: the session, the response,
 * the socket — alive for as long as anyone holds the error (a log buffer, a metrics list).
 */
export function stackless<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}
