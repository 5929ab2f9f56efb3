export {
  type CreatePoolOptions,
  createPool,
  type ReservedSql,
  type Sql,
  type SqlHelpers,
  type Transaction,
  type TransactionSql,
} from './client.ts'
export type { CopySource } from './copy.ts'
export {
  AcquireTimeoutError,
  AuthenticationError,
  ConnectionError,
  NotifyPayloadTooLargeError,
  OptionError,
  ParameterError,
  PgDriverError,
  PoolEndedError,
  PoolQueueFullError,
  PostgresError,
  type PostgresErrorFields,
  ProtocolError,
  QueryAbortedError,
} from './errors.ts'
export type { ListenerOptions, ListenHandle, ListenOptions } from './listener.ts'
export {
  type ConnectionOptions,
  parseConnectionString,
  type QueryEndEvent,
  type QueryHooks,
  type QueryStartEvent,
  type SslMode,
} from './options.ts'
export type { PoolOptions, PoolStats } from './pool.ts'
export { Query, type Row } from './query.ts'
export { type Column, Result } from './result.ts'
export { escapeIdentifier } from './sql.ts'
export type { IsolationLevel, TransactionOptions, TransactionRetryOptions } from './transaction.ts'
export { TypedValue } from './types/encode.ts'
export * as oids from './types/oids.ts'
export type { TypeOptions } from './types/registry.ts'
