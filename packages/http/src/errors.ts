// Errors of @fasterapi/http. Each has a stable `code`; HTTP-facing ones carry the status they map to.

/** One entry of a 422 body, in FastAPI's shape: where, what and why. */
export interface ValidationIssue {
  type: string
  loc: (string | number)[]
  msg: string
  input?: unknown
}

/**
 * Raise from a handler or dependency to answer with `status` and `{"detail": detail}`.
 * @example throw new HTTPException(404, 'Item not found')
 */
export class HTTPException extends Error {
  readonly code: string = 'HTTP_EXCEPTION'
  readonly status: number
  readonly detail: unknown
  readonly headers: Readonly<Record<string, string>> | undefined

  constructor(status: number, detail?: unknown, headers?: Record<string, string>, options?: ErrorOptions) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`, options)
    this.name = 'HTTPException'
    this.status = status
    this.detail = detail ?? defaultDetail(status)
    this.headers = headers
  }
}

/** Request data failed its schema: answered with 422 and the list of issues. */
export class RequestValidationError extends HTTPException {
  override readonly code = 'HTTP_VALIDATION'
  readonly issues: ValidationIssue[]

  constructor(issues: ValidationIssue[]) {
    super(422, issues)
    this.name = 'RequestValidationError'
    this.issues = issues
  }
}

/** The handler's return value failed the route's `response` schema: a server bug, answered with 500. */
export class ResponseValidationError extends Error {
  readonly code = 'HTTP_RESPONSE_VALIDATION'
  readonly issues: ValidationIssue[]

  constructor(issues: ValidationIssue[]) {
    super(`Response failed validation: ${issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; ')}`)
    this.name = 'ResponseValidationError'
    this.issues = issues
  }
}

/** A route or dependency was declared wrongly; thrown at registration, never per request. */
export class RouteDefinitionError extends Error {
  readonly code = 'HTTP_ROUTE_DEFINITION'
  constructor(message: string) {
    super(message)
    this.name = 'RouteDefinitionError'
  }
}

/** A middleware called `next()` more than once: the route would run twice (Hono's compose refuses it too). */
export class MiddlewareError extends Error {
  readonly code = 'HTTP_NEXT_CALLED_TWICE'
  constructor() {
    super('next() called more than once in one middleware')
    this.name = 'MiddlewareError'
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function defaultDetail(status: number): string {
  return REASONS[status] ?? `HTTP ${status}`
}
