// `database()` joins @fasterapi/pg to @fasterapi/http through their public surfaces only (http knows nothing of
// pg): a lifespan that opens the pool and drains it, a `sql` dependency whose queries carry the request's signal,
// a `transaction` dependency committed before the response is written, and pg errors mapped to HTTP answers.
import { type App, type Dependency, Depends, HTTPException, type RequestContext } from '@fasterapi/http'
import {
  AcquireTimeoutError,
  ConnectionError,
  type CreatePoolOptions,
  createPool,
  PoolEndedError,
  PoolQueueFullError,
  PostgresError,
  QueryAbortedError,
  type Sql,
} from '@fasterapi/pg'
import { EmbeddedPostgresError } from './errors.ts'
import {
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  startEmbeddedPostgres,
} from './internal/embedded-postgres.ts'
import { type RequestSql, withSignal } from './internal/request-sql.ts'
import { openTransaction, type RequestTransaction } from './internal/request-transaction.ts'
import { migrate } from './migrations.ts'

export interface DatabaseOptions extends CreatePoolOptions {
  /** The server to use. @default process.env.DATABASE_URL */
  url?: string
  /**
   * Without a `url` (and no DATABASE_URL), start a private PostgreSQL from the `@embedded-postgres/*` packages,
   * its data kept in `dataDir` (default `.pgdata`). `false` makes a missing URL an error instead.
   * @default true
   */
  embedded?: boolean | EmbeddedPostgresOptions
  /** A folder of `.sql` files applied at startup, in name order, each once (see `migrate`). */
  migrations?: string | URL
  /** Seconds sent in `Retry-After` when the pool cannot give a connection in time. @default 1 */
  retryAfter?: number
}

export interface Database {
  /** `app.lifespan(db.lifespan)`: starts the server if embedded, opens the pool, migrates; drains at shutdown. */
  readonly lifespan: (app: App) => AsyncGenerator<unknown, void, unknown>
  /** A dependency: the pool's `sql` tag, every query bound to the request's signal (a client that leaves cancels it). */
  readonly sql: Dependency<RequestSql>
  /**
   * A dependency: a transaction on its own connection, committed after the handler returns and before the
   * response is written; a failed COMMIT answers an error (never 2xx); a handler error rolls it back.
   */
  readonly transaction: Dependency<RequestTransaction>
  /** The pool, once started (scripts and tasks outside requests). */
  readonly pool: Sql
  /** The server's URL once started. */
  readonly url: string | undefined
  /** Starts it outside an app (scripts): what the lifespan does before `yield`. */
  start(): Promise<Sql>
  /** Drains the pool and stops an embedded server this process owns. */
  close(): Promise<void>
}

/** The error a dependency raises when the database was never started (no lifespan). Code `DATABASE_NOT_STARTED`. */
export class DatabaseNotStartedError extends Error {
  readonly code = 'DATABASE_NOT_STARTED'
  constructor() {
    super('the database is not started: register app.lifespan(db.lifespan) (or await db.start())')
    this.name = 'DatabaseNotStartedError'
  }
}

/**
 * A PostgreSQL database for an app.
 * @example
 * const db = database({ migrations: new URL('./migrations/', import.meta.url) })
 * app.lifespan(db.lifespan)
 * app.get('/items', { deps: { sql: db.sql } }, ({ deps }) => deps.sql`select * from items`)
 * app.post('/items', { body: Item, deps: { tx: db.transaction } }, async ({ body, deps }) => {
 *   const [item] = await deps.tx`insert into items ${deps.tx.insert(body)} returning *`
 *   return item   // written only once COMMIT succeeded
 * })
 */
export function database(urlOrOptions: string | DatabaseOptions = {}): Database {
  const { url, embedded, migrations, retryAfter, ...poolOptions } =
    typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions
  let pool: Sql | undefined
  let server: EmbeddedPostgres | undefined
  let resolvedUrl: string | undefined
  let starting: Promise<Sql> | undefined

  const start = () => {
    starting ??= (async () => {
      resolvedUrl = url ?? process.env.DATABASE_URL
      if (resolvedUrl === undefined || resolvedUrl === '') {
        if (embedded === false)
          throw new EmbeddedPostgresError('EMBEDDED_PG_FAILED', 'no database: set DATABASE_URL or pass a url')
        server = await startEmbeddedPostgres(typeof embedded === 'object' ? embedded : {})
        resolvedUrl = server.url
      }
      const sql = createPool({ ...poolOptions, url: resolvedUrl })
      try {
        if (migrations !== undefined) await migrate(sql, migrations)
      } catch (error) {
        await sql.end()
        await server?.stop()
        throw error
      }
      pool = sql
      return sql
    })()
    return starting
  }

  const close = async () => {
    const sql = pool
    pool = undefined
    starting = undefined
    await sql?.end()
    await server?.stop()
    server = undefined
  }

  const current = () => {
    if (pool === undefined) throw new DatabaseNotStartedError()
    return pool
  }

  const seconds = String(retryAfter ?? 1)
  return {
    async *lifespan(app: App) {
      if (!installed.has(app)) {
        installed.add(app)
        mapErrors(app, seconds)
      }
      await start()
      try {
        yield
      } finally {
        await close()
      }
    },
    sql: Depends(function sql({ request }: { request: RequestContext }) {
      return withSignal(current(), request.signal)
    }),
    transaction: Depends(
      function transaction({ request }: { request: RequestContext }) {
        return openTransaction(current(), request)
      },
      { scope: 'function' },
    ),
    get pool() {
      return current()
    },
    get url() {
      return resolvedUrl
    },
    start,
    close,
  }
}

// apps whose error handlers are in place (a lifespan can run again after a shutdown)
const installed = new WeakSet<App>()

// pg failures as HTTP answers, through http's public exception handlers. A handler that throws an HTTPException
// has it rendered in the app's error format, and an HTTPException is never logged as an unexpected error.
function mapErrors(app: App, retryAfter: string): void {
  const busy = () => {
    throw new HTTPException(503, 'The database is busy; try again shortly', { 'retry-after': retryAfter })
  }
  app.exceptionHandler(AcquireTimeoutError, busy)
  app.exceptionHandler(PoolQueueFullError, busy)
  app.exceptionHandler(PoolEndedError, busy)
  app.exceptionHandler(ConnectionError, (ctx, error) => {
    const logger = app.settings.logger
    if (logger) logger.error({ err: error, requestId: ctx.id }, 'database unreachable')
    else console.error('database unreachable', error)
    busy()
  })
  // class 40 (serialization failure, deadlock) wherever it surfaces: the client may retry
  app.exceptionHandler(PostgresError, (_ctx, error) => {
    if (error.code === '40001' || error.code === '40P01')
      throw new HTTPException(409, 'The transaction conflicted with another one; retry it', { 'retry-after': '0' })
    throw error
  })
  // a query cancelled because the request was (client gone: 499; route timeout: 503) is not a server error
  app.exceptionHandler(QueryAbortedError, (ctx, error) => {
    if (ctx.signal.aborted && ctx.signal.reason instanceof HTTPException) throw ctx.signal.reason
    throw new HTTPException(503, 'The query was cancelled', { 'retry-after': retryAfter }, { cause: error })
  })
}
