// `createPool()` returns `sql`: a tagged-template function bound to a pool, with the helpers,
// transactions and pool controls hanging off it.

import type { Connection } from './connection.ts'
import { NOT_A_TEMPLATE, OptionError, PgDriverError, QueryAbortedError, RELEASED } from './errors.ts'
import { watchAbort } from './internal/cancel.ts'
import type { Execution } from './internal/execution.ts'
import {
  checkChannel,
  checkPayload,
  Listener,
  type ListenerOptions,
  type ListenHandle,
  type ListenOptions,
} from './listener.ts'
import { type ConnectionOptions, resolveConnectionOptions } from './options.ts'
import { Pool, type PoolOptions, type PoolStats } from './pool.ts'
import { Query, type Row, type Runner, templateInfo } from './query.ts'
import { Identifier, Insert, Join, List, Update } from './sql.ts'
import { beginStatement, rolledBackError, type TransactionOptions, withRetry } from './transaction.ts'
import { TypedValue } from './types/encode.ts'
import { TypeRegistry } from './types/registry.ts'

export interface SqlHelpers {
  /** Runs raw SQL text with `$n` parameters; nothing is escaped. */
  unsafe<T = Row>(text: string, params?: readonly unknown[]): Query<T>
  /** A quoted identifier: `sql.id('public', 'users')` → `"public"."users"`. */
  id(...names: string[]): Identifier
  /** A parenthesised parameter list for `IN`: `sql.list([1, 2])` → `($1, $2)`. */
  list(values: readonly unknown[]): List
  /** Columns and VALUES for INSERT from one row or many; columns default to the first row's keys. */
  insert(rows: Record<string, any> | readonly Record<string, any>[], columns?: readonly string[]): Insert
  /** `"a" = $1, "b" = $2` for UPDATE ... SET; columns default to the object's keys. */
  update(row: Record<string, any>, columns?: readonly string[]): Update
  /** Joins fragments with `separator` (inserted as-is: it must not come from user input). */
  join(parts: readonly unknown[], separator?: string): Join
  /** A parameter with an explicit type OID; a serializer registered for that OID encodes it. */
  typed(value: unknown, oid: number): TypedValue
}

export interface TransactionSql extends SqlHelpers {
  <T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Query<T>
  /**
   * `pg_notify(channel, payload)`: delivered to every listener of `channel` (in a transaction, on COMMIT).
   * A payload of 8,000 bytes or more rejects with `NotifyPayloadTooLargeError` (`PG_NOTIFY_PAYLOAD_TOO_LARGE`)
   * before anything is sent: notify an id and keep the data in a table.
   * @example await sql.notify('orders', String(order.id))
   */
  notify(channel: string, payload?: string): Promise<void>
}

export interface Sql extends TransactionSql {
  /**
   * Runs `fn` in a transaction on a reserved connection: COMMIT when it resolves, ROLLBACK when it throws.
   * Queries issued together inside it are pipelined. Options set the isolation level, READ ONLY,
   * DEFERRABLE, and an opt-in `retry` of the whole callback on serialization failures and deadlocks (only
   * for callbacks with no effects outside the database: a re-run repeats them).
   * @example
   * await sql.begin(async (tx) => { await tx`update a ...`; await tx`insert into b ...` })
   * await sql.begin({ isolation: 'serializable', retry: true }, async (tx) => { ... })
   */
  begin<T>(fn: (tx: Transaction) => Promise<T> | T): Promise<T>
  begin<T>(options: TransactionOptions, fn: (tx: Transaction) => Promise<T> | T): Promise<T>
  /**
   * Calls `onNotify` with each notification on `channel`, received on one connection dedicated to
   * listening (shared by every channel of this pool, never a pooled one). A lost connection is reopened
   * with backoff and the channels LISTENed again; `onListen` runs after the first LISTEN and after every
   * reconnection, since notifications sent in between are lost: catch up there. A heartbeat (an empty query,
   * `listener.heartbeat` ms) finds a dead connection. Resolves once the channel is listened to.
   * @example
   * const { unlisten } = await sql.listen('orders', (id) => ship(id), { onListen: () => shipPending() })
   */
  listen(
    channel: string,
    onNotify: (payload: string, processId: number) => unknown,
    options?: ListenOptions,
  ): Promise<ListenHandle>
  /** A connection for exclusive use (session state, advisory locks); call `release()` when done. */
  reserve(): Promise<ReservedSql>
  stats(): PoolStats
  /** Waits for in-flight queries, then closes every connection. */
  end(): Promise<void>
}

export interface Transaction extends TransactionSql {
  /**
   * Runs `fn` after a SAVEPOINT: RELEASE when it resolves, ROLLBACK TO SAVEPOINT when it throws (then
   * rethrows), so the transaction goes on without `fn`'s changes. Savepoints nest.
   * @example await tx.savepoint(async (sp) => { await sp`insert ...` }).catch(() => 'skipped')
   */
  savepoint<T>(fn: (tx: Transaction) => Promise<T> | T): Promise<T>
}

export interface ReservedSql extends TransactionSql {
  /** Server parameters reported by this session (server_version, TimeZone, application_name...), kept current. */
  parameters: ReadonlyMap<string, string>
  release(): void
}

export interface CreatePoolOptions extends ConnectionOptions, PoolOptions {
  /** The LISTEN connection's heartbeat and reconnection backoff. */
  listener?: ListenerOptions
}

/**
 * A pool of connections and the `sql` tag bound to it. Connections open on first use.
 * @example
 * const sql = createPool({ url: process.env.DATABASE_URL, max: 10 })
 * const [user] = await sql`select * from users where id = ${id}`
 */
export function createPool(options: CreatePoolOptions | string = {}): Sql {
  const opts = typeof options === 'string' ? { url: options } : options
  const resolved = resolveConnectionOptions(opts)
  const registry = new TypeRegistry(opts.types)
  const pool = new Pool(resolved, registry, opts, opts.hooks)
  const sql = bindSql(pool) as Sql
  let listener: Listener | undefined
  sql.listen = (channel, onNotify, options) => {
    listener ??= new Listener(resolved, registry, opts.listener)
    return listener.listen(channel, onNotify, options)
  }
  sql.begin = <T>(first: TransactionOptions | TransactionCallback<T>, second?: TransactionCallback<T>) => {
    const [options, fn] = typeof first === 'function' ? [{}, first] : [first ?? {}, second]
    if (typeof fn !== 'function') {
      return Promise.reject(new OptionError('begin() takes a callback: sql.begin([options,] async (tx) => ...)'))
    }
    let text: string
    try {
      text = beginStatement(options)
      return withRetry(options, () => runTransaction(pool, text, fn))
    } catch (error) {
      return Promise.reject(error)
    }
  }
  sql.reserve = async () => {
    const connection = await pool.reserve()
    const runner = new ConnectionRunner(connection, pool.hooks)
    const reserved = bindSql(runner) as ReservedSql
    reserved.parameters = connection.parameters
    reserved.release = () => {
      runner.released = true
      pool.release(connection)
    }
    return reserved
  }
  sql.stats = () => pool.stats()
  sql.end = async () => {
    await Promise.all([listener?.end(), pool.end()])
  }
  return sql
}

type TransactionCallback<T> = (tx: Transaction) => Promise<T> | T

/** One attempt: BEGIN, the callback, COMMIT; ROLLBACK when anything throws. The connection is reserved. */
async function runTransaction<T>(pool: Pool, begin: string, fn: TransactionCallback<T>): Promise<T> {
  const connection = await pool.reserve()
  const runner = new ConnectionRunner(connection, pool.hooks)
  const tx = bindSql(runner) as Transaction
  let savepoints = 0
  tx.savepoint = async <S>(inner: TransactionCallback<S>): Promise<S> => {
    const name = `fasterapi_savepoint_${++savepoints}`
    tx.unsafe(`savepoint ${name}`)
      .execute()
      .catch(() => undefined)
    try {
      const result = await inner(tx)
      await tx.unsafe(`release savepoint ${name}`)
      return result
    } catch (error) {
      if (!connection.closed) await tx.unsafe(`rollback to savepoint ${name}`).catch(() => undefined)
      throw error
    }
  }
  try {
    // BEGIN is not awaited: it pipelines with the first statements of `fn`, whose failure it would cause
    tx.unsafe(begin)
      .execute()
      .catch(() => undefined)
    const result = await fn(tx)
    // COMMIT of a failed transaction block answers ROLLBACK without an error: the caller must hear of it
    const committed = await tx.unsafe('commit')
    if (committed.command === 'ROLLBACK') throw rolledBackError()
    return result
  } catch (error) {
    if (!connection.closed) await tx.unsafe('rollback').catch(() => undefined)
    throw error
  } finally {
    runner.released = true
    // a connection still inside a transaction block (the ROLLBACK could not run) is closed, never pooled
    pool.release(connection)
  }
}

/** Sends every execution to one connection (a transaction or a reservation). */
class ConnectionRunner implements Runner {
  readonly connection: Connection
  readonly hooks
  released = false

  constructor(connection: Connection, hooks: Runner['hooks']) {
    this.connection = connection
    this.hooks = hooks
  }

  dispatch(ex: Execution): void {
    if (this.released) {
      ex.failNow(new PgDriverError(RELEASED, 'this connection was released; queries must run before release()'))
      return
    }
    if (ex.signal?.aborted) {
      ex.failNow(new QueryAbortedError(ex.signal.reason))
      return
    }
    this.connection.execute(ex)
    if (ex.signal !== undefined) watchAbort(this.connection, ex)
  }

  // the connection is this runner's already; a cursor holds back the queries issued after it
  dispatchExclusive(ex: Execution): void {
    this.dispatch(ex)
  }
}

function bindSql(runner: Runner): TransactionSql {
  function sql<T = Row>(strings: TemplateStringsArray, ...values: unknown[]): Query<T> {
    if (!Array.isArray(strings) || !('raw' in strings)) {
      throw new PgDriverError(NOT_A_TEMPLATE, 'sql must be used as a tag: sql`select ...`; see sql.unsafe()')
    }
    templateInfo(strings, sql)
    return new Query<T>(runner, strings, values, undefined, undefined)
  }
  const helpers: SqlHelpers = {
    unsafe<T = Row>(text: string, params: readonly unknown[] = []): Query<T> {
      // no call site to cache the line of: this call's stack, captured now
      const origin = new Error('query')
      Error.captureStackTrace(origin, helpers.unsafe)
      return new Query<T>(runner, undefined, params, text, origin)
    },
    id: (...names) => new Identifier(names),
    list: (values) => new List(values),
    insert: (rows, columns) => new Insert(Array.isArray(rows) ? rows : [rows as Record<string, unknown>], columns),
    update: (row, columns) => new Update(row, columns),
    join: (parts, separator = ', ') => new Join(parts, separator),
    typed: (value, oid) => new TypedValue(value, oid),
  }
  const notify = (channel: string, payload = ''): Promise<void> => {
    try {
      checkChannel(channel)
      checkPayload(payload)
    } catch (error) {
      return Promise.reject(error)
    }
    // a fixed text: no stack captured per call (what sql.unsafe costs), the statement prepared once
    return new Query(runner, undefined, [channel, payload], 'select pg_notify($1, $2)', undefined).then(() => undefined)
  }
  return Object.assign(sql, helpers, { notify })
}
