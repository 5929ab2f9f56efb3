// Error classes of @fasterapi/router. Each has a stable `code` that callers can branch on;
// the ones a request path can cause also carry the HTTP `status` the server should answer.

export class RouterError extends Error {
  readonly code: string
  readonly status: number
  constructor(code: string, status: number, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
  }
}

/** Thrown at registration for a pattern the router cannot parse (unbalanced braces, unknown type, misplaced catch-all). */
export class InvalidPatternError extends RouterError {
  readonly pattern: string
  constructor(pattern: string, reason: string) {
    super('ROUTER_INVALID_PATTERN', 500, `Invalid route pattern '${pattern}': ${reason}`)
    this.pattern = pattern
  }
}

/** Thrown at registration when the same method and pattern are added twice. */
export class DuplicateRouteError extends RouterError {
  readonly method: string
  readonly pattern: string
  constructor(method: string, pattern: string, existing: string) {
    super('ROUTER_DUPLICATE_ROUTE', 500, `Route ${method} ${pattern} is already registered as ${method} ${existing}`)
    this.method = method
    this.pattern = pattern
  }
}

/**
 * No longer thrown: routes may name the param at one position differently (`/users/{id}` beside
 * `/users/{user_id}/posts`), each route keeping its own names.
 * @deprecated kept so that code importing it still compiles; it goes once nothing re-exports it.
 */
export class ParamConflictError extends RouterError {
  readonly pattern: string
  readonly existing: string
  constructor(pattern: string, existing: string, names: string, existingNames: string) {
    super(
      'ROUTER_PARAM_CONFLICT',
      500,
      `Route '${pattern}' names its param ${names} where route '${existing}' names it ${existingNames}: use one name`,
    )
    this.pattern = pattern
    this.existing = existing
  }
}

/** Returned (never thrown) by `match()` for a path with a malformed percent-escape: answer 400. */
export class MalformedPathError extends RouterError {
  constructor(cause?: unknown) {
    super('ROUTER_MALFORMED_PATH', 400, 'The request path has a malformed percent-escape', { cause })
  }
}

/** Returned (never thrown) by `match()` for a path longer than `maxPathLength`: answer 414 (RFC 9110 §15.5.15). */
export class PathTooLongError extends RouterError {
  readonly limit: number
  constructor(limit: number) {
    super('ROUTER_PATH_TOO_LONG', 414, `The request path is longer than ${limit} characters`)
    this.limit = limit
  }
}
