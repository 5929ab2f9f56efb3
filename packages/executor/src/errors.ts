// Error classes of @fasterapi/executor. Each has a stable `code` that callers (and the http layer) branch on.

export class ExecutorError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/**
 * `run()` was called while the queue already held `maxQueue` tasks. Rejected at once, before anything is
 * queued; the http layer answers 503 with `Retry-After: retryAfter`.
 */
export class QueueFullError extends ExecutorError {
  /** Whole seconds after which the queue is expected to have room again (at least 1). */
  readonly retryAfter: number
  readonly maxQueue: number
  constructor(maxQueue: number, retryAfter: number) {
    super('EXECUTOR_QUEUE_FULL', `The executor queue is full (${maxQueue} tasks waiting)`)
    this.maxQueue = maxQueue
    this.retryAfter = retryAfter
  }
}

/** The task did not finish within its `timeout` (counted from `run()`, queue time included). */
export class TaskTimeoutError extends ExecutorError {
  readonly ms: number
  constructor(ms: number) {
    super('EXECUTOR_TASK_TIMEOUT', `The task did not finish within ${ms} ms`)
    this.ms = ms
  }
}

/** The worker running the task exited or crashed (`process.exit()`, an uncaught error, out of memory). */
export class WorkerExitError extends ExecutorError {
  constructor(message: string, options?: ErrorOptions) {
    super('EXECUTOR_WORKER_EXITED', message, options)
  }
}

/** `run()` after `close()`, or a task still pending when the close deadline passed. */
export class ExecutorClosedError extends ExecutorError {
  constructor(message = 'The executor is closed') {
    super('EXECUTOR_CLOSED', message)
  }
}

/** A value that cannot be structured-cloned to a worker (a function, a class instance, a socket...). */
export class NotCloneableError extends ExecutorError {
  /** Where the offending value sits, e.g. `input.db.query`. */
  readonly path: string
  constructor(path: string, reason: string) {
    super('EXECUTOR_NOT_CLONEABLE', `${path} cannot cross to a worker thread: it is ${reason}`)
    this.path = path
  }
}

/** Invalid options or task definitions, e.g. `threads: 0` or a relative module path. */
export class InvalidArgumentError extends ExecutorError {
  constructor(message: string) {
    super('EXECUTOR_INVALID_ARGUMENT', message)
  }
}
