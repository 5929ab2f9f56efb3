export {
  AcquireTimeoutError,
  AuthenticationError,
  type Column,
  ConnectionError,
  type ConnectionOptions,
  type CopySource,
  type CreatePoolOptions,
  createPool,
  escapeIdentifier,
  type ListenerOptions,
  type ListenHandle,
  type ListenOptions,
  NotifyPayloadTooLargeError,
  OptionError,
  oids,
  ParameterError,
  PgDriverError,
  PoolEndedError,
  type PoolOptions,
  PoolQueueFullError,
  type PoolStats,
  PostgresError,
  type PostgresErrorFields,
  ProtocolError,
  parseConnectionString,
  Query,
  QueryAbortedError,
  type QueryEndEvent,
  type QueryHooks,
  type QueryStartEvent,
  type ReservedSql,
  Result,
  type Row,
  type Sql,
  type SqlHelpers,
  type SslMode,
  type TransactionSql,
  TypedValue,
  type TypeOptions,
} from '@fasterapi/pg'
export { type Database, DatabaseNotStartedError, type DatabaseOptions, database } from './database.ts'
export { EmbeddedPostgresError, EventBusError, MigrationError } from './errors.ts'
export { PostgresBus, type PostgresBusOptions } from './event-bus.ts'
export {
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './internal/embedded-postgres.ts'
export type { RequestSql } from './internal/request-sql.ts'
export type { RequestTransaction } from './internal/request-transaction.ts'
export { migrate } from './migrations.ts'
