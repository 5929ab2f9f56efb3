import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPool, ParameterError, PostgresError } from '../src/index.ts'

const sql = createPool({ url: inject('databaseUrl'), max: 1 })
afterAll(() => sql.end())

async function failure(query: PromiseLike<unknown>): Promise<ParameterError> {
  const error = await Promise.resolve(query).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ParameterError)
  return error as ParameterError
}

describe('bad parameters', () => {
  it('names an undefined parameter and suggests null', async () => {
    const error = await failure(sql`select ${1}::int, ${undefined}::int`)
    expect(error.code).toBe('PG_INVALID_PARAMETER')
    expect(error.parameter).toBe(2)
    expect(error.message).toBe('parameter $2 is undefined (use null for SQL NULL)')
  })

  it('names a function, a symbol and an invalid Date', async () => {
    expect((await failure(sql`select ${() => 1}`)).message).toMatch(/^parameter \$1 is a function/)
    expect((await failure(sql`select ${1}, ${Symbol('s')}`)).message).toMatch(/^parameter \$2 is a symbol/)
    expect((await failure(sql`select ${new Date('nope')}::timestamptz`)).message).toBe(
      'parameter $1 is an invalid Date',
    )
  })

  it('names a value that JSON cannot serialise, with the cause', async () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    const error = await failure(sql`select ${'ok'}, ${circular}::jsonb`)
    expect(error.parameter).toBe(2)
    expect(error.message).toMatch(/^parameter \$2 cannot be serialised as JSON/)
    expect(error.cause).toBeInstanceOf(TypeError)
    const big = await failure(sql`select ${{ n: 1n }}::jsonb`)
    expect(big.parameter).toBe(1)
  })

  it('names an array holding a value that cannot be sent', async () => {
    const error = await failure(sql`select ${[1, () => 2]}::int[]`)
    expect(error.message).toMatch(/^parameter \$1 is an array that cannot be sent/)
  })

  it('reports a wrong parameter count, before and after the statement is known', async () => {
    const first = await failure(sql.unsafe('select $1::int + $2::int as sum', [1]))
    expect(first.message).toMatch(/^wrong number of parameters/)
    expect(first.cause).toBeInstanceOf(PostgresError)
    await sql.unsafe('select $1::int + $2::int as sum', [1, 2])
    const known = await failure(sql.unsafe('select $1::int + $2::int as sum', [1, 2, 3]))
    expect(known.message).toBe('wrong number of parameters: the statement takes 2, 3 given')
  })

  it("names the parameter whose text the server cannot read, in the error's where field", async () => {
    const error = (await sql`select ${'1'}::int, ${'abc'}::int`.catch((e: unknown) => e)) as PostgresError
    expect(error.code).toBe('22P02')
    expect(error.where).toBe("unnamed portal parameter $2 = '...'")
  })

  it('sends nothing for a rejected query: the connection carries on', async () => {
    await failure(sql`select ${undefined}`)
    const [row] = await sql`select ${'still fine'} as ok`
    expect(row).toEqual({ ok: 'still fine' })
  })
})

describe('parameter counts', () => {
  // a query with n parameters, each referenced once: `n in ($1, ..., $n)` infers every type as int
  const manyParameters = (count: number) =>
    sql`select count(*)::int as n from generate_series(1, 3) g where g in ${sql.list(Array.from({ length: count }, (_, i) => i + 1))}`

  it('sends 32,768 and 65,535 parameters: the count is an unsigned 16-bit field', async () => {
    expect([...(await manyParameters(32768))]).toEqual([{ n: 3 }])
    expect([...(await manyParameters(65535))]).toEqual([{ n: 3 }])
  })

  it('refuses 65,536 parameters with a ParameterError naming the limit, and the connection carries on', async () => {
    const error = await failure(manyParameters(65536))
    expect(error.code).toBe('PG_INVALID_PARAMETER')
    expect(error.message).toBe('too many parameters: 65536 (the protocol allows at most 65535 per query)')
    expect([...(await sql`select 1 as ok`)]).toEqual([{ ok: 1 }])
  })
})

describe('JSON parameters', () => {
  it('sends a JS array bound to json or jsonb as JSON, on first use and on reuse', async () => {
    for (let run = 0; run < 2; run++) {
      const [row] = await sql`select ${[1, 'x', { a: [2] }]}::jsonb as b, ${[true, null]}::json as j`
      expect(row).toEqual({ b: [1, 'x', { a: [2] }], j: [true, null] })
    }
  })

  it('sends each element of a jsonb[] parameter as JSON, nested arrays included', async () => {
    for (let run = 0; run < 2; run++) {
      const [row] = await sql`select ${[[1, 2], { a: 1 }, 'plain']}::jsonb[] as docs`
      expect(row).toEqual({ docs: [[1, 2], { a: 1 }, 'plain'] })
    }
  })

  it('keeps a JS array bound to a PostgreSQL array an array, in the same pipeline as JSON ones', async () => {
    const [ints, doc, texts] = await Promise.all([
      sql`select ${[1, 2, 3]}::int[] as v`,
      sql`select ${[1, 2, 3]}::jsonb as v`,
      sql`select ${['a', 'b c']}::text[] as v`,
    ])
    expect([ints[0], doc[0], texts[0]]).toEqual([{ v: [1, 2, 3] }, { v: [1, 2, 3] }, { v: ['a', 'b c'] }])
  })

  it('sends JSON arrays from a transaction in the order the statements were issued', async () => {
    const rows = await sql.begin(async (tx) => {
      const results = await Promise.all([
        tx`create temp table docs (d jsonb) on commit drop`,
        tx`insert into docs values (${[1]}::jsonb)`,
        tx`insert into docs values (${[2]}::jsonb)`,
        tx`select d from docs`,
      ])
      return results[3]
    })
    expect([...rows]).toEqual([{ d: [1] }, { d: [2] }])
  })

  it('sends JSON arrays without prepared statements too', async () => {
    const unprepared = createPool({ url: inject('databaseUrl'), max: 1, maxPreparedStatements: 0 })
    try {
      const [row] = await unprepared`select ${['x', 1]}::jsonb as v, ${[4, 5]}::int[] as a`
      expect(row).toEqual({ v: ['x', 1], a: [4, 5] })
    } finally {
      await unprepared.end()
    }
  })
})
