import { afterAll, describe, expect, inject, it } from 'vitest'
import {
  AcquireTimeoutError,
  type CreatePoolOptions,
  createPool,
  PoolEndedError,
  PoolQueueFullError,
  type QueryEndEvent,
  type Sql,
} from '../src/index.ts'

const url = inject('databaseUrl')
const admin = createPool({ url, max: 1 })
afterAll(() => admin.end())

async function withPool(options: CreatePoolOptions, fn: (sql: Sql) => Promise<void>): Promise<void> {
  const sql = createPool({ url, ...options })
  try {
    await fn(sql)
  } finally {
    await sql.end()
  }
}

const until = async (check: () => boolean | Promise<boolean>): Promise<void> => {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('pool', () => {
  it('opens at most max connections and spreads a burst over them', async () => {
    await withPool({ max: 3 }, async (sql) => {
      // the queries block on a lock held here, so no connection can finish early and take the whole burst
      const holder = await admin.reserve()
      await holder`select pg_advisory_lock(4242)`
      const burst = Promise.all(
        Array.from({ length: 30 }, () => sql`select pg_backend_pid() as pid, pg_advisory_xact_lock_shared(4242)`),
      )
      await until(() => sql.stats().total === 3 && sql.stats().waiting === 0)
      expect(sql.stats()).toMatchObject({ total: 3, connecting: 0, inFlight: 30 })
      await holder`select pg_advisory_unlock(4242)`
      holder.release()
      const pids = new Set((await burst).map((r) => r[0]!.pid))
      expect(pids.size).toBe(3)
      expect(sql.stats()).toMatchObject({ total: 3, waiting: 0, inFlight: 0 })
    })
  })

  it('rejects with AcquireTimeoutError when every connection stays reserved', async () => {
    // long enough that a loaded machine still serves the last query in time, short enough to wait out twice
    await withPool({ max: 1, acquireTimeout: 400 }, async (sql) => {
      const held = await sql.reserve()
      const error = await sql`select 1`.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AcquireTimeoutError)
      expect((error as AcquireTimeoutError).code).toBe('PG_ACQUIRE_TIMEOUT')
      await expect(sql.reserve()).rejects.toBeInstanceOf(AcquireTimeoutError)
      held.release()
      expect((await sql`select 1 as ok`)[0]).toEqual({ ok: 1 })
    })
  })

  it('turns callers away with PoolQueueFullError when the wait queue is full', async () => {
    await withPool({ max: 1, maxWaiting: 2, acquireTimeout: 5_000 }, async (sql) => {
      const held = await sql.reserve()
      const waiting = [sql`select 1 as a`.execute(), sql`select 2 as a`.execute()]
      await expect(sql`select 3`).rejects.toBeInstanceOf(PoolQueueFullError)
      expect(sql.stats()).toMatchObject({ waiting: 2, reserved: 1 })
      held.release()
      expect((await Promise.all(waiting)).map((r) => r[0]!.a)).toEqual([1, 2])
    })
  })

  it('serves queued queries once a reserved connection comes back', async () => {
    await withPool({ max: 1 }, async (sql) => {
      const held = await sql.reserve()
      const queued = sql`select 'after' as v`.execute()
      await until(() => sql.stats().waiting === 1)
      held.release()
      expect((await queued)[0]).toEqual({ v: 'after' })
    })
  })

  it('serves a waiting reservation before queries that arrive after it', async () => {
    await withPool({ max: 1 }, async (sql) => {
      const order: string[] = []
      await sql`select 1` // the connection is open: a later query could be pipelined behind `busy`
      const busy = sql`select pg_sleep(0.05)`.execute()
      const reservation = sql.reserve().then((r) => {
        order.push('reserved')
        r.release()
      })
      const later = sql`select 1`.execute().then(() => order.push('later query'))
      await Promise.all([busy, reservation, later])
      expect(order).toEqual(['reserved', 'later query'])
    })
  })

  it('closes connections idle past idleTimeout, down to min', async () => {
    await withPool({ max: 2, min: 1, idleTimeout: 100 }, async (sql) => {
      // both held until both are open: two queries could leave the first connection idle past 100 ms
      // while a loaded machine was still opening the second, and the pool rightly closed it meanwhile
      const held = await Promise.all([sql.reserve(), sql.reserve()])
      for (const connection of held) connection.release()
      expect(sql.stats().total).toBe(2)
      await until(() => sql.stats().total === 1)
      expect(sql.stats().total).toBe(1)
    })
  })

  it('retires a connection older than maxLifetime once it is idle', async () => {
    await withPool({ max: 1, maxLifetime: 50, idleTimeout: 0 }, async (sql) => {
      const first = (await sql`select pg_backend_pid() as pid`)[0]!.pid
      await new Promise((resolve) => setTimeout(resolve, 80))
      await sql`select 1` // finishes on the old connection, which is then retired
      const second = (await sql`select pg_backend_pid() as pid`)[0]!.pid
      expect(second).not.toBe(first)
    })
  })

  it('replaces a connection the server terminated while it was idle', async () => {
    await withPool({ max: 1, healthCheckAfter: 0 }, async (sql) => {
      const pid = (await sql`select pg_backend_pid() as pid`)[0]!.pid
      await admin`select pg_terminate_backend(${pid})`
      await until(() => sql.stats().total === 0)
      const rows = await sql.begin((tx) => tx`select pg_backend_pid() as pid`)
      expect(rows[0]!.pid).not.toBe(pid)
    })
  })

  it('refuses queries after end() with PoolEndedError', async () => {
    const sql = createPool({ url, max: 1 })
    await sql`select 1`
    await sql.end()
    await expect(sql`select 1`).rejects.toBeInstanceOf(PoolEndedError)
  })
})

describe('transactions', () => {
  it('commits when the callback resolves and pipelines the statements issued together', async () => {
    await withPool({ max: 2 }, async (sql) => {
      await sql`create table if not exists tx_commit (n int)`
      await sql`truncate tx_commit`
      const result = await sql.begin(async (tx) => {
        const [a, b] = await Promise.all([tx`insert into tx_commit values (1)`, tx`insert into tx_commit values (2)`])
        return a.count + b.count
      })
      expect(result).toBe(2)
      expect((await sql`select count(*)::int as n from tx_commit`)[0]).toEqual({ n: 2 })
      await sql`drop table tx_commit`
    })
  })

  it('rolls back when the callback throws, and rethrows its error', async () => {
    await withPool({ max: 1 }, async (sql) => {
      await sql`create table if not exists tx_rollback (n int)`
      const boom = new Error('boom')
      await expect(
        sql.begin(async (tx) => {
          await tx`insert into tx_rollback values (1)`
          throw boom
        }),
      ).rejects.toBe(boom)
      expect((await sql`select count(*)::int as n from tx_rollback`)[0]).toEqual({ n: 0 })
      await sql`drop table tx_rollback`
    })
  })

  it('rejects with PG_TRANSACTION_ROLLED_BACK when an error caught inside made COMMIT roll back', async () => {
    await withPool({ max: 1 }, async (sql) => {
      const error = await sql
        .begin(async (tx) => {
          await tx`select 1/0`.catch(() => undefined)
          return 'looks fine'
        })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PG_TRANSACTION_ROLLED_BACK' })
    })
  })

  it('refuses queries issued on a transaction after it ended', async () => {
    await withPool({ max: 1 }, async (sql) => {
      let leaked: Sql | undefined
      await sql.begin((tx) => {
        leaked = tx as unknown as Sql
      })
      await expect(leaked!`select 1`).rejects.toMatchObject({ code: 'PG_RELEASED' })
    })
  })

  it('runs its statements on one reserved connection, inside one transaction', async () => {
    await withPool({ max: 3 }, async (sql) => {
      const rows = await sql.begin(async (tx) =>
        Promise.all([
          tx`select txid_current() as x, pg_backend_pid() as p`,
          tx`select txid_current() as x, pg_backend_pid() as p`,
        ]),
      )
      expect(rows[0]![0]).toEqual(rows[1]![0])
    })
  })
})

describe('hooks and stats', () => {
  it('calls beforeQuery and afterQuery with the text, duration and row count', async () => {
    const started: string[] = []
    const ended: QueryEndEvent[] = []
    const hooks = {
      beforeQuery: (e: { text: string }) => started.push(e.text),
      afterQuery: (e: QueryEndEvent) => ended.push(e),
    }
    await withPool({ max: 1, hooks }, async (sql) => {
      await sql`select generate_series(1, ${3}) as n`
      await sql`select 1/0`.catch(() => undefined)
    })
    expect(started).toEqual(['select generate_series(1, $1) as n', 'select 1/0'])
    expect(ended[0]).toMatchObject({
      text: 'select generate_series(1, $1) as n',
      params: [3],
      rowCount: 3,
      command: 'SELECT',
      error: undefined,
    })
    expect(ended[0]!.durationMs).toBeGreaterThanOrEqual(0)
    expect(ended[1]!.error?.message).toBe('division by zero')
  })

  it('counts idle, reserved and in-flight work in stats()', async () => {
    await withPool({ max: 2 }, async (sql) => {
      await sql`select 1`
      const reserved = await sql.reserve()
      const running = reserved`select pg_sleep(0.05)`.execute()
      expect(sql.stats()).toMatchObject({ reserved: 1, inFlight: 1, waiting: 0 })
      await running
      reserved.release()
      expect(sql.stats()).toMatchObject({ reserved: 0, inFlight: 0 })
    })
  })
})

describe('cancellation', () => {
  it('cancels a running query on the server when its signal aborts', async () => {
    await withPool({ max: 1 }, async (sql) => {
      const controller = new AbortController()
      const running = sql`select pg_sleep(30)`.withSignal(controller.signal).execute()
      // PgSleep, not just 'active': a cancel that lands while the backend reads the next protocol message
      // (between Parse and Execute) is discarded by the server
      await until(async () => {
        const rows =
          await admin`select 1 from pg_stat_activity where query = 'select pg_sleep(30)' and wait_event = 'PgSleep'`
        return rows.length === 1
      })
      controller.abort(new Error('client went away'))
      const error = await running.catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PG_QUERY_ABORTED', reason: new Error('client went away') })
      expect((error as Error).cause).toMatchObject({ code: '57014' })
      expect((await sql`select 'next' as v`)[0]).toEqual({ v: 'next' })
    })
  })

  it('drops a queued query without sending it when its signal aborts', async () => {
    await withPool({ max: 1 }, async (sql) => {
      const held = await sql.reserve()
      const controller = new AbortController()
      const queued = sql`select 1`.withSignal(controller.signal).execute()
      controller.abort()
      await expect(queued).rejects.toMatchObject({ code: 'PG_QUERY_ABORTED' })
      expect(sql.stats().waiting).toBe(0)
      held.release()
    })
  })

  it('rejects at once when the signal already aborted', async () => {
    await expect(admin`select 1`.withSignal(AbortSignal.abort())).rejects.toMatchObject({ code: 'PG_QUERY_ABORTED' })
  })
})
