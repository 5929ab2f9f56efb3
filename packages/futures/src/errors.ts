// Error classes of @fasterapi/futures. Each has a stable `code` that callers can branch on.

export class FutureError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** Rejection reason of `timeout()` when the work did not settle within `ms`. */
export class TimeoutError extends FutureError {
  readonly ms: number
  constructor(ms: number, options?: ErrorOptions) {
    super('FUTURES_TIMEOUT', `Timed out after ${ms} ms`, options)
    this.ms = ms
  }
}

/** Thrown by `future.get()` when the future has not settled yet. */
export class FutureNotReadyError extends FutureError {
  constructor() {
    super('FUTURES_NOT_READY', 'The future has not settled yet: await it or use then()')
  }
}

/** Thrown for invalid options, e.g. a concurrency below 1. */
export class InvalidArgumentError extends FutureError {
  constructor(message: string) {
    super('FUTURES_INVALID_ARGUMENT', message)
  }
}
