import { describe, expect, inject, it } from 'vitest'
import { createPool, type PostgresError, type TransactionSql } from '../src/index.ts'

const url = inject('databaseUrl')

async function withSql<T>(
  options: Parameters<typeof createPool>[0] & object,
  fn: (sql: ReturnType<typeof createPool>) => Promise<T>,
): Promise<T> {
  const sql = createPool({ url, max: 1, ...options })
  try {
    return await fn(sql)
  } finally {
    await sql.end()
  }
}

const prepared = (sql: ReturnType<typeof createPool>) =>
  sql`select name, statement from pg_prepared_statements order by prepare_time`.values()

describe('pipelining on one connection', () => {
  it('answers many queries in flight on one connection in the order they were sent', async () => {
    await withSql({}, async (sql) => {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => sql`select ${i}::int as i`))
      expect(results.map((r) => r[0]!.i)).toEqual(Array.from({ length: 200 }, (_, i) => i))
      const first = (await sql`select pg_backend_pid() as pid`)[0]!.pid
      const pids = await Promise.all([sql`select pg_backend_pid() as pid`, sql`select pg_backend_pid() as pid`])
      expect(pids.map((r) => r[0]!.pid)).toEqual([first, first])
      expect(sql.stats().total).toBe(1)
    })
  })

  it('rejects only the failing query of a pipeline; the others keep their results', async () => {
    await withSql({}, async (sql) => {
      const settled = await Promise.allSettled([
        sql`select 1 as n`,
        sql`select 2 as n`,
        sql`select 1/0 as n`,
        sql`select 4 as n`,
        sql`select * from missing_table`,
        sql`select 6 as n`,
      ])
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ])
      expect(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value[0]!.n)).toEqual([1, 2, 4, 6])
      const reasons = settled.filter((s) => s.status === 'rejected').map((s) => (s.reason as PostgresError).code)
      expect(reasons).toEqual(['22012', '42P01'])
    })
  })

  it('reports the parse error to every pipelined use of a statement that failed to parse', async () => {
    await withSql({}, async (sql) => {
      const bad = () => sql`selec ${1}`
      const settled = await Promise.allSettled([bad(), bad(), sql`select 1 as ok`])
      expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as PostgresError).code : 'ok'))).toEqual([
        '42601',
        '42601',
        'ok',
      ])
      await expect(bad()).rejects.toMatchObject({ code: '42601' })
    })
  })
})

describe('prepared statements', () => {
  it('prepares each distinct text once per connection and reuses it', async () => {
    await withSql({}, async (sql) => {
      for (let i = 0; i < 3; i++) await sql`select ${i}::int as reused`
      const statements = (await prepared(sql)).map((r) => r[1])
      expect(statements.filter((s) => s === 'select $1::int as reused')).toHaveLength(1)
    })
  })

  it('evicts the least recently used statement when the cache is full', async () => {
    await withSql({ maxPreparedStatements: 3 }, async (sql) => {
      await sql.unsafe('select 1 as a')
      await sql.unsafe('select 2 as b')
      await sql.unsafe('select 1 as a') // touch a: b is now the oldest
      await sql.unsafe('select 3 as c') // the listing query will push the cache over
      const texts = (await prepared(sql)).map((r) => r[1])
      expect(texts).toContain('select 1 as a')
      expect(texts).toContain('select 3 as c')
      expect(texts).not.toContain('select 2 as b')
      expect(texts).toHaveLength(3)
      const again = await sql.unsafe('select 2 as b')
      expect(again[0]).toEqual({ b: 2 })
    })
  })

  it('prepares nothing when the cache is off (PgBouncer transaction mode)', async () => {
    await withSql({ maxPreparedStatements: 0 }, async (sql) => {
      const rows = await sql`select ${5}::int as five, now() as t`
      expect(rows[0]!.five).toBe(5)
      expect(rows[0]!.t).toBeInstanceOf(Date)
      expect(await prepared(sql)).toHaveLength(0)
    })
  })
})

describe('stale prepared statements', () => {
  it('prepares again and answers with the new columns after DDL changes a cached statement', async () => {
    await withSql({}, async (sql) => {
      await sql`create temp table reshaped (a int)`
      await sql`insert into reshaped values (1)`
      expect([...(await sql`select * from reshaped`)]).toEqual([{ a: 1 }])
      await sql`alter table reshaped add column b text default 'new'`
      expect([...(await sql`select * from reshaped`)]).toEqual([{ a: 1, b: 'new' }])
      expect([...(await sql`select * from reshaped`)]).toEqual([{ a: 1, b: 'new' }])
    })
  })

  it('prepares again inside a transaction after DDL on the same connection changed a cached statement', async () => {
    await withSql({}, async (sql) => {
      await sql`create temp table reshaped_tx (a int)`
      await sql`insert into reshaped_tx values (1)`
      expect([...(await sql`select * from reshaped_tx`)]).toEqual([{ a: 1 }])
      const rows = await sql.begin(async (tx) => {
        await tx`alter table reshaped_tx add column b int default 2`
        return tx`select * from reshaped_tx`
      })
      expect([...rows]).toEqual([{ a: 1, b: 2 }])
      expect([...(await sql`select * from reshaped_tx`)]).toEqual([{ a: 1, b: 2 }])
    })
  })

  it('fails with PG_STALE_STATEMENT inside a transaction when another session changed the table, then recovers', async () => {
    await withSql({}, async (sql) => {
      await sql`drop table if exists reshaped_elsewhere`
      await sql`create table reshaped_elsewhere (a int)`
      try {
        await sql`select * from reshaped_elsewhere`
        await withSql({}, (other) => other`alter table reshaped_elsewhere add column b int`.execute())
        const error = await sql.begin((tx) => tx`select * from reshaped_elsewhere`).catch((e: unknown) => e)
        expect(error).toMatchObject({ code: 'PG_STALE_STATEMENT' })
        expect((error as Error).message).toMatch(/run the transaction again/)
        expect((error as Error).cause).toMatchObject({ code: '0A000' })
        // the stale statement was dropped: the same transaction now succeeds
        const rows = await sql.begin((tx) => tx`select * from reshaped_elsewhere`)
        expect(rows.columns.map((c) => c.name)).toEqual(['a', 'b'])
      } finally {
        await sql`drop table reshaped_elsewhere`
      }
    })
  })
})

describe('statements the server forgot', () => {
  for (const command of ['discard all', 'deallocate all']) {
    it(`prepares cached statements again after ${command}`, async () => {
      await withSql({}, async (sql) => {
        const query = () => sql`select ${1}::int + 1 as two`
        await query()
        expect([...(await query())]).toEqual([{ two: 2 }])
        await sql.unsafe(command)
        expect([...(await query())]).toEqual([{ two: 2 }])
        expect([...(await query())]).toEqual([{ two: 2 }])
        const statements = (await prepared(sql)).filter((r) => String(r[1]).includes('::int + 1'))
        expect(statements).toHaveLength(1)
      })
    })
  }

  it('recovers cached statements pipelined behind deallocate all', async () => {
    await withSql({}, async (sql) => {
      const query = () => sql`select ${1}::int + 1 as two`
      await query()
      const [, again] = await Promise.all([sql.unsafe('deallocate all'), query()])
      expect([...again]).toEqual([{ two: 2 }])
    })
  })

  it('recovers statements deallocated inside a transaction without failing it', async () => {
    await withSql({}, async (sql) => {
      const query = (tx: TransactionSql) => tx`select ${1}::int + 1 as two`
      await query(sql)
      const rows = await sql.begin(async (tx) => {
        await tx.unsafe('deallocate all')
        return query(tx)
      })
      expect([...rows]).toEqual([{ two: 2 }])
    })
  })
})
