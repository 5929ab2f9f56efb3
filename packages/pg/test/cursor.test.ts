import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createPool, OptionError } from '../src/index.ts'

const sql = createPool({ url: inject('databaseUrl'), max: 2 })
afterAll(() => sql.end())

describe('cursors', () => {
  it('reads the rows in batches of the given size, in order', async () => {
    const batches: number[][] = []
    for await (const rows of sql`select g as n from generate_series(1, 2500) g`.cursor(1000)) {
      batches.push(rows.map((r) => r.n as number))
    }
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500])
    expect(batches.flat()).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1))
  })

  it('yields nothing for an empty result, and one batch for an exact multiple', async () => {
    const empty: unknown[] = []
    for await (const rows of sql`select 1 where false`.cursor(10)) empty.push(rows)
    expect(empty).toEqual([])
    const sizes: number[] = []
    for await (const rows of sql`select g from generate_series(1, ${20}::int) g`.cursor(10)) sizes.push(rows.length)
    expect(sizes).toEqual([10, 10])
  })

  it('closes the portal when the loop ends early and gives the connection back', async () => {
    let seen = 0
    for await (const rows of sql`select g from generate_series(1, 100000) g`.cursor(100)) {
      seen += rows.length
      if (seen >= 300) break
    }
    expect(seen).toBe(300)
    expect(sql.stats().reserved).toBe(0)
    expect([...(await sql`select 'free' as state`)]).toEqual([{ state: 'free' }])
  })

  it('throws a failure in the middle of the rows from the loop, and the connection carries on', async () => {
    const seen: number[] = []
    const error = await (async () => {
      for await (const rows of sql`select 10 / (5000 - g) as n from generate_series(1, 10000) g`.cursor(1000)) {
        seen.push(rows.length)
      }
    })().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: '22012' })
    expect(seen).toEqual([1000, 1000, 1000, 1000])
    expect(sql.stats().reserved).toBe(0)
    expect([...(await sql`select 1 as ok`)]).toEqual([{ ok: 1 }])
  })

  it('runs inside a transaction, holding back the statements issued after it until it ends', async () => {
    const order: string[] = []
    const rows = await sql.begin(async (tx) => {
      await tx`create temp table cursor_tx (n int) on commit drop`
      await tx`insert into cursor_tx select generate_series(1, 50)`
      const reading = (async () => {
        let total = 0
        for await (const batch of tx`select n from cursor_tx order by n`.cursor(20)) {
          order.push(`batch ${batch.length}`)
          total += batch.length
        }
        return total
      })()
      const after = tx`select count(*)::int as n from cursor_tx`.then((r) => {
        order.push('after')
        return r
      })
      return Promise.all([reading, after])
    })
    expect(rows[0]).toBe(50)
    expect([...rows[1]]).toEqual([{ n: 50 }])
    expect(order).toEqual(['batch 20', 'batch 20', 'batch 10', 'after'])
  })

  it('calls forEach with every row, awaiting a callback that returns a promise', async () => {
    const seen: number[] = []
    const result = await sql`select g as n from generate_series(1, 2050) g`.forEach(async (row) => {
      await new Promise<void>((resolve) => setImmediate(resolve))
      seen.push(row.n as number)
    }, 500)
    expect(result.count).toBe(2050)
    expect(seen).toEqual(Array.from({ length: 2050 }, (_, i) => i + 1))
  })

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => sql`select 1`.cursor(0)).toThrow(OptionError)
  })

  it('reads 1,000,000 rows with under 20 MB of retained heap growth', { timeout: 120_000 }, async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    let peak = 0
    let count = 0
    let batches = 0
    for await (const rows of sql`select g as id, md5(g::text) as hash, now() as at from generate_series(1, 1000000) g`.cursor(
      1000,
    )) {
      count += rows.length
      // measure what stays reachable, not garbage awaiting collection
      if (++batches % 100 === 0) {
        gc()
        peak = Math.max(peak, process.memoryUsage().heapUsed - before)
      }
    }
    expect(count).toBe(1_000_000)
    expect(peak).toBeLessThan(20 * 1024 * 1024)
  })
})
