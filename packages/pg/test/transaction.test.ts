import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPool, OptionError, type PostgresError, type Sql, type Transaction } from '../src/index.ts'

const url = inject('databaseUrl')
const sql = createPool({ url, max: 4 })
afterAll(() => sql.end())

describe('transaction options', () => {
  it('sets the isolation level, READ ONLY and DEFERRABLE', async () => {
    const show = (tx: Transaction) =>
      tx`select current_setting('transaction_isolation') as i, current_setting('transaction_read_only') as r, current_setting('transaction_deferrable') as d`
    const [serializable] = await sql.begin({ isolation: 'serializable', readOnly: true, deferrable: true }, show)
    expect(serializable).toEqual({ i: 'serializable', r: 'on', d: 'on' })
    const [repeatable] = await sql.begin({ isolation: 'repeatable read', readOnly: false }, show)
    expect(repeatable).toEqual({ i: 'repeatable read', r: 'off', d: 'off' })
    const [plain] = await sql.begin(show)
    expect(plain).toEqual({ i: 'read committed', r: 'off', d: 'off' })
  })

  it('refuses writes in a read-only transaction with 25006', async () => {
    const error = await sql
      .begin({ readOnly: true }, (tx) => tx`create temp table nope (n int)`)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: '25006' })
  })

  it('rejects an unknown isolation level with PG_INVALID_OPTION before touching the server', async () => {
    const error = await sql.begin({ isolation: 'snapshot' as never }, () => 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OptionError)
    expect((error as OptionError).code).toBe('PG_INVALID_OPTION')
  })
})

describe('savepoints', () => {
  beforeAll(() => sql`create table if not exists tx_savepoints (n int)`.execute())
  afterAll(() => sql`drop table if exists tx_savepoints`.execute())

  it('rolls back only the failed savepoint and commits the rest, nested', async () => {
    await sql`truncate tx_savepoints`
    const boom = new Error('inner failed')
    const outcome = await sql.begin(async (tx) => {
      await tx`insert into tx_savepoints values (1)`
      const caught = await tx
        .savepoint(async (sp) => {
          await sp`insert into tx_savepoints values (2)`
          await sp.savepoint((inner) => inner`insert into tx_savepoints values (3)`)
          throw boom
        })
        .catch((e: unknown) => e)
      const kept = await tx.savepoint(async (sp) => {
        await sp`insert into tx_savepoints values (4)`
        // a statement failing inside a savepoint leaves the outer transaction usable once it is rolled back to
        await sp.savepoint((inner) => inner`select 1/0`).catch(() => undefined)
        return 'kept'
      })
      return [caught, kept]
    })
    expect(outcome).toEqual([boom, 'kept'])
    const rows = await sql`select n from tx_savepoints order by n`.values()
    expect(rows.flat()).toEqual([1, 4])
  })
})

describe('retry', () => {
  beforeAll(async () => {
    await sql`drop table if exists tx_serial`
    await sql`create table tx_serial (class int, value int)`
  })
  afterAll(() => sql`drop table if exists tx_serial`.execute())

  /**
   * Two serializable transactions that each read one class and write into the other, held at a barrier
   * until both have read (a read/write dependency cycle): the server must fail one with 40001. Attempts
   * after the first pass the barrier at once, so a retry finds no conflict.
   */
  async function conflict(pool: Sql, options: Parameters<Sql['begin']>[0] & object) {
    await pool`truncate tx_serial`
    await pool`insert into tx_serial values (1, 10), (1, 20), (2, 100), (2, 200)`
    let reads = 0
    let release!: () => void
    const bothRead = new Promise<void>((resolve) => {
      release = resolve
    })
    const attempts = { 1: 0, 2: 0 }
    const run = (from: 1 | 2, to: number) =>
      pool.begin({ isolation: 'serializable', ...options }, async (tx) => {
        attempts[from]++
        const [{ sum }] = (await tx`select sum(value)::int as sum from tx_serial where class = ${from}`) as never as [
          { sum: number },
        ]
        if (++reads === 2) release()
        await bothRead
        await tx`insert into tx_serial values (${to}, ${sum})`
      })
    const settled = await Promise.allSettled([run(1, 2), run(2, 1)])
    return { settled, attempts }
  }

  it('fails one of two conflicting serializable transactions with 40001 when retry is off', async () => {
    const { settled, attempts } = await conflict(sql, {})
    const failures = settled.filter((s) => s.status === 'rejected')
    expect(failures).toHaveLength(1)
    expect(((failures[0] as PromiseRejectedResult).reason as PostgresError).code).toBe('40001')
    expect(attempts).toEqual({ 1: 1, 2: 1 })
  })

  it('runs the failed transaction again with retry, and both commit', async () => {
    const retried: unknown[] = []
    const { settled, attempts } = await conflict(sql, { retry: { onRetry: (error) => retried.push(error) } })
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(attempts[1] + attempts[2]).toBe(3)
    expect(retried).toHaveLength(1)
    expect(retried[0]).toMatchObject({ code: '40001' })
    const rows = await sql`select class, value from tx_serial order by class, value`.values()
    expect(rows).toHaveLength(6)
  })

  it('stops after the configured retries and rejects with the last error', async () => {
    let attempts = 0
    const error = await sql
      .begin({ retry: { retries: 2, backoff: { initialDelay: 1 } } }, async (tx) => {
        attempts++
        await tx`do $$ begin raise exception 'conflict' using errcode = '40P01'; end $$`
      })
      .catch((e: unknown) => e)
    expect(attempts).toBe(3)
    expect(error).toMatchObject({ code: '40P01' })
  })

  it('does not run the callback again for other errors', async () => {
    let attempts = 0
    const error = await sql
      .begin({ retry: true }, async (tx) => {
        attempts++
        await tx`select 1/0`
      })
      .catch((e: unknown) => e)
    expect(attempts).toBe(1)
    expect(error).toMatchObject({ code: '22012' })
  })
})

describe('connections after a failed transaction', () => {
  it('gives the pool back a connection outside any transaction block, or closes it', async () => {
    const single = createPool({ url, max: 1 })
    try {
      const pid = (await single`select pg_backend_pid() as pid`)[0]!.pid
      await single
        .begin(async (tx) => {
          await tx`select 1/0`.catch(() => undefined)
          throw new Error('after a failed statement')
        })
        .catch(() => undefined)
      const [row] = await single`select pg_backend_pid() as pid, pg_current_xact_id_if_assigned() is null as idle`
      expect(row).toEqual({ pid, idle: true })
      // the session dies inside the transaction: the connection is dropped, and a new one serves the next query
      await single
        .begin(async (tx) => {
          await tx`select pg_terminate_backend(pg_backend_pid())`
        })
        .catch(() => undefined)
      const [after] = await single`select pg_backend_pid() as pid, 'ok' as state`
      expect(after!.state).toBe('ok')
      expect(after!.pid).not.toBe(pid)
      expect(single.stats().total).toBe(1)
    } finally {
      await single.end()
    }
  })
})
