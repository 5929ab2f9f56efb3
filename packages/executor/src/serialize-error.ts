// Errors cross the thread boundary as plain data: structured clone keeps the message and stack of built-in
// errors but turns a custom class into a plain `Error` and drops its fields (an HTTP `status`, a `code`).
// The worker flattens an error into a SerializedError; the caller revives it with the same class name,
// message, stack, cause and own fields, and with the class's prototype when that class is registered.

const kErrorTag = 'fx:e'
// causes nest; past this depth the rest of the chain is cut
const MAX_CAUSE_DEPTH = 8

export interface SerializedError {
  tag: typeof kErrorTag
  name: string
  message: string
  stack: string | undefined
  cause?: unknown
  errors?: unknown[]
  fields: Record<string, unknown>
}

const RESERVED = new Set(['name', 'message', 'stack', 'cause', 'errors'])

const BUILTINS: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
}

/** Worker side: flattens what a task threw. Anything that is not an Error passes as is. */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error
  const className = error.constructor?.name ?? 'Error'
  const out: SerializedError = {
    tag: kErrorTag,
    name: error.name === 'Error' && className !== 'Error' ? className : error.name,
    message: error.message,
    stack: error.stack,
    fields: cloneableFields(error),
  }
  if ('cause' in error && depth < MAX_CAUSE_DEPTH) out.cause = serializeError(error.cause, depth + 1)
  if (error instanceof AggregateError && depth < MAX_CAUSE_DEPTH) {
    out.errors = error.errors.map((e) => serializeError(e, depth + 1))
  }
  return out
}

/** Caller side: rebuilds an error from `serializeError`'s output; other values pass as is. */
export function reviveError(value: unknown, classes: ReadonlyMap<string, Function>): unknown {
  if (!isSerializedError(value)) return value
  const ctor = classes.get(value.name) ?? BUILTINS[value.name] ?? Error
  const error = Object.create(ctor.prototype) as Error
  define(error, 'message', value.message)
  define(error, 'stack', value.stack)
  if (error.name !== value.name) define(error, 'name', value.name)
  if ('cause' in value) define(error, 'cause', reviveError(value.cause, classes))
  if (value.errors !== undefined)
    define(
      error,
      'errors',
      value.errors.map((e) => reviveError(e, classes)),
    )
  Object.assign(error, value.fields)
  return error
}

function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && (value as SerializedError).tag === kErrorTag
}

// Own enumerable fields that survive structured clone; the others are dropped rather than failing the task.
function cloneableFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(error)) {
    if (RESERVED.has(key)) continue
    const field = (error as unknown as Record<string, unknown>)[key]
    try {
      structuredClone(field)
      fields[key] = field
    } catch {
      // not cloneable (a function, a socket): left behind in the worker
    }
  }
  return fields
}

// Like the properties `new Error()` creates: writable, configurable, not enumerable.
function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false })
}
