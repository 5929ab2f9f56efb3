import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPool, PgDriverError, PostgresError } from '../src/index.ts'

const sql = createPool({ url: inject('databaseUrl'), max: 2 })
afterAll(() => sql.end())

describe('tagged-template queries', () => {
  it('sends interpolated values as parameters, never as text', async () => {
    const evil = "'; drop table users; --"
    const rows = await sql`select ${evil}::text as value, ${42}::int as n`
    expect([...rows]).toEqual([{ value: evil, n: 42 }])
  })

  it('returns rows as arrays with values()', async () => {
    const rows = await sql`select 1 as a, 'two' as b union all select 3, 'four'`.values()
    expect([...rows]).toEqual([
      [1, 'two'],
      [3, 'four'],
    ])
  })

  it('reports the command tag, row count and column metadata', async () => {
    const result = await sql`select n::int4 as id, n::text as label from generate_series(1, 3) n`
    expect(result.command).toBe('SELECT')
    expect(result.count).toBe(3)
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 23],
      ['label', 25],
    ])
  })

  it('counts rows affected by INSERT, UPDATE and DELETE', async () => {
    await sql.begin(async (tx) => {
      await tx`create temp table counted (n int) on commit drop`
      const inserted = await tx`insert into counted select generate_series(1, 5)`
      expect([inserted.command, inserted.count]).toEqual(['INSERT', 5])
      const updated = await tx`update counted set n = n + 1 where n > 2`
      expect([updated.command, updated.count]).toEqual(['UPDATE', 3])
      const deleted = await tx`delete from counted`
      expect([deleted.command, deleted.count, deleted.length]).toEqual(['DELETE', 5, 0])
    })
  })

  it('runs raw text with $n parameters through sql.unsafe', async () => {
    const rows = await sql.unsafe('select $1::int + $2::int as sum', [2, 3])
    expect(rows[0]).toEqual({ sum: 5 })
  })

  it('answers an empty query with an empty result', async () => {
    const result = await sql.unsafe('')
    expect([result.length, result.command]).toEqual([0, ''])
  })

  it('inlines nested queries as fragments and renumbers their parameters', async () => {
    const filter = sql`n > ${2}`
    const rows = await sql`select n from generate_series(1, 5) n where ${filter} and n < ${5}`.values()
    expect([...rows]).toEqual([[3], [4]])
  })

  it('refuses to be called as a function instead of a tag', () => {
    expect(() => (sql as any)('select 1')).toThrow(PgDriverError)
  })
})

describe('helpers', () => {
  it('quotes identifiers with sql.id', async () => {
    const rows = await sql`select 1 as ${sql.id('weird "name"')}`
    expect(Object.keys(rows[0]!)).toEqual(['weird "name"'])
  })

  it('expands sql.list into a parameter list and matches nothing when empty', async () => {
    const some = await sql`select n from generate_series(1, 5) n where n in ${sql.list([2, 4])}`.values()
    expect([...some]).toEqual([[2], [4]])
    const none = await sql`select n from generate_series(1, 5) n where n in ${sql.list([])}`
    expect(none.length).toBe(0)
  })

  it('builds INSERT columns and values from objects, and SET from an object', async () => {
    await sql.begin(async (tx) => {
      await tx`create temp table people (name text, age int) on commit drop`
      const people = [
        { name: 'ada', age: 36 },
        { name: 'alan', age: 41 },
      ]
      const inserted = await tx`insert into ${tx.id('people')} ${tx.insert(people)} returning *`
      expect([...inserted]).toEqual(people)
      await tx`update people set ${tx.update({ age: 37 })} where name = ${'ada'}`
      const one = await tx`insert into people ${tx.insert({ name: 'grace', age: 85, ignored: true }, ['name', 'age'])}`
      expect(one.count).toBe(1)
      const rows = await tx`select name, age from people order by name`.values()
      expect([...rows]).toEqual([
        ['ada', 37],
        ['alan', 41],
        ['grace', 85],
      ])
    })
  })

  it('joins fragments with a separator', async () => {
    const conditions = [sql`n > ${1}`, sql`n < ${4}`]
    const rows = await sql`select n from generate_series(1, 5) n where ${sql.join(conditions, ' and ')}`.values()
    expect([...rows]).toEqual([[2], [3]])
  })
})

describe('errors', () => {
  it('rejects with a PostgresError carrying every field the server sent', async () => {
    await sql`drop table if exists uniq`
    await sql`create table uniq (id int constraint uniq_pk primary key)`
    await sql`insert into uniq values (1)`
    const error = await sql`insert into uniq values (1)`.catch((e: unknown) => e)
    await sql`drop table uniq`
    expect(error).toBeInstanceOf(PostgresError)
    const e = error as PostgresError
    expect(e.code).toBe('23505')
    expect(e.severity).toBe('ERROR')
    expect(e.detail).toBe('Key (id)=(1) already exists.')
    expect(e.table).toBe('uniq')
    expect(e.constraint).toBe('uniq_pk')
    expect(e.schema).toBe('public')
    expect(e.routine).toBeTypeOf('string')
    expect(e.query).toBe('insert into uniq values (1)')
  })

  it('gives the position of a syntax error and a stack that points at the caller', async () => {
    const error = (await sql`select * frm nowhere`.catch((e: unknown) => e)) as PostgresError
    expect(error.code).toBe('42601')
    expect(error.position).toBe('10')
    expect(error.stack).toContain('query.test.ts')
    expect(error.stack).not.toContain('receive.ts')
  })

  it("gives each call its own caller's frames, not those of the template's first caller", async () => {
    const failing = () => sql`select * from missing_for_stacks`
    async function firstCaller() {
      return (await failing().catch((e: Error) => e)) as Error
    }
    async function secondCaller() {
      return (await failing().catch((e: Error) => e)) as Error
    }
    const first = await firstCaller()
    const second = await secondCaller()
    expect(first.stack).toContain('firstCaller')
    expect(first.stack).not.toContain('secondCaller')
    expect(second.stack).toContain('secondCaller')
    expect(second.stack).not.toContain('firstCaller')
    expect(second.stack).toContain('query.test.ts')
    expect(second.stack?.split('\n')[1]).toContain('failing')
    expect(second.stack?.split('\n')[0]).toBe('PostgresError: relation "missing_for_stacks" does not exist')
  })

  it("gives sql.unsafe failures the caller's frames too", async () => {
    async function unsafeCaller() {
      return (await sql.unsafe('select * from missing_for_stacks').catch((e: Error) => e)) as Error
    }
    const error = await unsafeCaller()
    expect(error.stack).toContain('unsafeCaller')
    expect(error.stack).not.toContain('receive.ts')
  })

  it('keeps the connection usable after an error', async () => {
    await expect(sql`select 1/0`).rejects.toThrow('division by zero')
    const rows = await sql`select 1 as ok`
    expect(rows[0]).toEqual({ ok: 1 })
  })
})

describe('session', () => {
  it('reports application_name and tracks server parameters as they change', async () => {
    const named = createPool({ url: inject('databaseUrl'), max: 1, applicationName: 'pg-tests' })
    try {
      const reserved = await named.reserve()
      expect(reserved.parameters.get('application_name')).toBe('pg-tests')
      expect(reserved.parameters.get('server_version')).toMatch(/^\d+/)
      await reserved`set application_name = 'renamed'`
      expect(reserved.parameters.get('application_name')).toBe('renamed')
      reserved.release()
    } finally {
      await named.end()
    }
  })

  it('hands server notices to onNotice', async () => {
    const notices: string[] = []
    const noisy = createPool({
      url: inject('databaseUrl'),
      max: 1,
      onNotice: (n) => notices.push(`${n.severity}: ${n.message}`),
    })
    try {
      await noisy`do $$ begin raise notice 'hello %', 42; end $$`
      expect(notices).toEqual(['NOTICE: hello 42'])
    } finally {
      await noisy.end()
    }
  })

  it('keeps the connection when onNotice throws, reporting it as a process warning', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.message)
    process.on('warning', onWarning)
    const noisy = createPool({
      url: inject('databaseUrl'),
      max: 1,
      onNotice: () => {
        throw new Error('listener bug')
      },
    })
    try {
      await noisy`do $$ begin raise notice 'again'; end $$`
      expect((await noisy`select 2 as ok`)[0]).toEqual({ ok: 2 })
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.some((w) => w.includes('listener bug'))).toBe(true)
    } finally {
      process.off('warning', onWarning)
      await noisy.end()
    }
  })
})

describe('simple protocol', () => {
  it('runs several statements in one text and returns one result per statement', async () => {
    const results = await sql`
      create temp table simple_migration (id int primary key, name text);
      insert into simple_migration values (1, 'a'), (2, 'b');
      select id, name from simple_migration order by id;
      drop table simple_migration`.simple()
    expect(results.map((r) => [r.command, r.count])).toEqual([
      ['CREATE TABLE', 0],
      ['INSERT', 2],
      ['SELECT', 2],
      ['DROP TABLE', 0],
    ])
    expect([...results[2]!]).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ])
  })

  it('runs the statements all or none: a failure rolls back the ones before it', async () => {
    await sql`create table if not exists simple_atomic (n int)`
    try {
      const error = await sql`insert into simple_atomic values (1); select 1/0; insert into simple_atomic values (2)`
        .simple()
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: '22012' })
      expect([...(await sql`select count(*)::int as n from simple_atomic`)]).toEqual([{ n: 0 }])
    } finally {
      await sql`drop table simple_atomic`
    }
  })

  it('refuses interpolated values, which the simple protocol cannot send as parameters', async () => {
    const error = await sql`select ${1}`.simple().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'PG_INVALID_PARAMETER' })
    expect([...(await sql`select 'still fine' as ok`.simple())][0]).toHaveLength(1)
  })

  it('keeps its place in the pipeline among extended-protocol queries', async () => {
    const [a, b, c] = await Promise.all([
      sql`select ${1}::int as n`,
      sql`select 2 as n; select 3 as n`.simple(),
      sql`select ${4}::int as n`,
    ])
    expect([a[0], b.map((r) => r[0]), c[0]]).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }], { n: 4 }])
  })
})
