import { describe, expectTypeOf, it } from 'vitest'
import { createPool, type Query, type Result, type Row } from '../src/index.ts'

const sql = createPool()

describe('query types', () => {
  it('types rows from the tag argument, with Row as the default', () => {
    expectTypeOf(sql<{ id: number }>`select 1 as id`).toEqualTypeOf<Query<{ id: number }>>()
    expectTypeOf(sql`select 1`).toEqualTypeOf<Query<Row>>()
  })

  it('resolves to a Result of those rows, and of arrays after values()', async () => {
    expectTypeOf(await sql<{ id: number }>`select 1 as id`).toEqualTypeOf<Result<{ id: number }>>()
    expectTypeOf(await sql`select 1`.values()).toEqualTypeOf<Result<unknown[]>>()
    expectTypeOf((await sql.unsafe<{ n: string }>('select 1'))[0]).toEqualTypeOf<{ n: string } | undefined>()
  })

  it('returns what the transaction callback returns', async () => {
    expectTypeOf(await sql.begin(async () => 42)).toEqualTypeOf<number>()
  })
})
