// Every error the driver throws, each with a stable `code` callers can branch on. Server errors keep
// PostgreSQL's own SQLSTATE in `code` (https://www.postgresql.org/docs/current/errcodes-appendix.html).

/** Base class of the driver's own errors; `code` is one of the `PG_*` strings below. */
export class PgDriverError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** Fields of an ErrorResponse ('E') or NoticeResponse ('N'), named as in the protocol docs. */
export interface PostgresErrorFields {
  severity?: string | undefined
  code?: string | undefined
  detail?: string | undefined
  hint?: string | undefined
  position?: string | undefined
  internalPosition?: string | undefined
  internalQuery?: string | undefined
  where?: string | undefined
  schema?: string | undefined
  table?: string | undefined
  column?: string | undefined
  dataType?: string | undefined
  constraint?: string | undefined
  file?: string | undefined
  line?: string | undefined
  routine?: string | undefined
}

/**
 * An error reported by the server. `code` is the SQLSTATE (`23505` for a unique violation); every other
 * field the server sent is kept. The stack points at the line that issued the query.
 * @example
 * try { await sql`insert into users ${sql.insert(user)}` } catch (e) {
 *   if (e instanceof PostgresError && e.code === '23505') return conflict(e.constraint)
 * }
 */
export class PostgresError extends Error implements PostgresErrorFields {
  readonly code: string
  severity: string | undefined
  detail: string | undefined
  hint: string | undefined
  position: string | undefined
  internalPosition: string | undefined
  internalQuery: string | undefined
  where: string | undefined
  schema: string | undefined
  table: string | undefined
  column: string | undefined
  dataType: string | undefined
  constraint: string | undefined
  file: string | undefined
  line: string | undefined
  routine: string | undefined
  /** The query text that failed, when the error belongs to a query. */
  query: string | undefined = undefined

  constructor(message: string, fields: PostgresErrorFields) {
    super(message)
    this.name = 'PostgresError'
    this.code = fields.code ?? 'XX000'
    this.severity = fields.severity
    this.detail = fields.detail
    this.hint = fields.hint
    this.position = fields.position
    this.internalPosition = fields.internalPosition
    this.internalQuery = fields.internalQuery
    this.where = fields.where
    this.schema = fields.schema
    this.table = fields.table
    this.column = fields.column
    this.dataType = fields.dataType
    this.constraint = fields.constraint
    this.file = fields.file
    this.line = fields.line
    this.routine = fields.routine
  }
}

/** The connection could not be opened, or it closed while queries were in flight. */
export class ConnectionError extends PgDriverError {}

/** The server asked for an authentication method this driver does not speak, or SCRAM verification failed. */
export class AuthenticationError extends PgDriverError {
  constructor(message: string, options?: ErrorOptions) {
    super('PG_AUTH_FAILED', message, options)
  }
}

/** A query parameter cannot be sent: it names the parameter (`$2`) and why. */
export class ParameterError extends PgDriverError {
  /** 1-based parameter number, as in `$1`; 0 when the count itself is wrong. */
  readonly parameter: number

  constructor(parameter: number, message: string, options?: ErrorOptions) {
    super('PG_INVALID_PARAMETER', message, options)
    this.parameter = parameter
  }
}

/** No connection became free within `acquireTimeout` ms. */
export class AcquireTimeoutError extends PgDriverError {
  constructor(ms: number) {
    super('PG_ACQUIRE_TIMEOUT', `no connection became available within ${ms} ms`)
  }
}

/** The pool's wait queue is full (`maxWaiting`): the caller is turned away at once. */
export class PoolQueueFullError extends PgDriverError {
  constructor(maxWaiting: number) {
    super('PG_POOL_QUEUE_FULL', `the pool's wait queue is full (${maxWaiting} waiting)`)
  }
}

/** The pool was ended; no further queries are accepted. */
export class PoolEndedError extends PgDriverError {
  constructor() {
    super('PG_POOL_ENDED', 'the pool has been ended')
  }
}

/** The query was aborted through its AbortSignal; `cause` is the server's cancel error when it ran. */
export class QueryAbortedError extends PgDriverError {
  /** The signal's abort reason. */
  readonly reason: unknown

  constructor(reason: unknown, cause: unknown = reason) {
    super('PG_QUERY_ABORTED', 'the query was aborted', { cause })
    this.reason = reason
  }
}

/** An option or connection string is invalid. */
export class OptionError extends PgDriverError {
  constructor(message: string) {
    super('PG_INVALID_OPTION', message)
  }
}

/** A NOTIFY payload of `limit` bytes or more: the server refuses it, so it is never sent. */
export class NotifyPayloadTooLargeError extends PgDriverError {
  readonly bytes: number
  readonly limit: number

  constructor(bytes: number, limit: number) {
    super(
      'PG_NOTIFY_PAYLOAD_TOO_LARGE',
      `a notification payload must be shorter than ${limit} bytes; got ${bytes} (send an id and keep the data in a table)`,
    )
    this.bytes = bytes
    this.limit = limit
  }
}

/** The server sent something the protocol does not allow at this point. */
export class ProtocolError extends PgDriverError {
  constructor(message: string) {
    super('PG_PROTOCOL', message)
  }
}

// codes carried by ConnectionError
export const CONNECTION_FAILED = 'PG_CONNECTION_FAILED'
export const CONNECTION_CLOSED = 'PG_CONNECTION_CLOSED'
export const TLS_REFUSED = 'PG_TLS_REFUSED'

// codes carried by PgDriverError for misuse of the API
export const INVALID_IDENTIFIER = 'PG_INVALID_IDENTIFIER'
export const INVALID_HELPER = 'PG_INVALID_HELPER'
export const INVALID_FRAGMENT = 'PG_INVALID_FRAGMENT'
export const NOT_A_TEMPLATE = 'PG_NOT_A_TEMPLATE'
export const RELEASED = 'PG_RELEASED'
/** A COPY ran without the call that streams its data (`copyFrom`/`copyTo`), or one of them ran something else. */
export const COPY_MISUSE = 'PG_COPY_MISUSE'
/** listen()/notify() got a channel name LISTEN would truncate or refuse, or no callback. */
export const INVALID_CHANNEL = 'PG_INVALID_CHANNEL'
/** COMMIT answered ROLLBACK: an error inside the transaction was caught and the transaction is lost. */
export const TRANSACTION_ROLLED_BACK = 'PG_TRANSACTION_ROLLED_BACK'
/** A cached statement went stale (0A000) inside a transaction; run the transaction again. */
export const STALE_STATEMENT = 'PG_STALE_STATEMENT'
