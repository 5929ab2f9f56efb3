// Every adapter must give the right answers before index.ts times anything.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ADAPTERS, type Adapter } from './impl.ts'
import { ACCOUNTS, createFixtures, expectedRow, normalise, ROWS } from './input.ts'

const url = inject('benchUrl')

beforeAll(() => createFixtures(url))

describe.each(ADAPTERS.map((make) => [make.name, make] as const))('%s adapter', (_, make) => {
  let adapters: Adapter[]
  beforeAll(() => {
    adapters = [make(url, 10), make(url, 1)]
  })
  afterAll(() => Promise.all(adapters.map((a) => a.end())))

  it('answers select $1::int with the number sent, also under 64 concurrent callers', async () => {
    for (const adapter of adapters) {
      expect(await adapter.selectInt(42)).toBe(42)
      const numbers = Array.from({ length: 64 }, (_, i) => i * 7)
      expect(await Promise.all(numbers.map((n) => adapter.selectInt(n)))).toEqual(numbers)
    }
  })

  it('returns all 10,000 rows with every column decoded to the same values', async () => {
    const rows = await adapters[1]!.allRows()
    expect(rows).toHaveLength(ROWS)
    expect(rows.map(normalise)).toEqual(Array.from({ length: ROWS }, (_, i) => expectedRow(i + 1)))
  })

  it('runs ten updates in one transaction, awaited one by one or together', async () => {
    const adapter = adapters[0]!
    const before = await adapter.transactionSequential(0)
    expect(before).toHaveLength(ACCOUNTS)
    expect(await adapter.transactionSequential(1)).toEqual(before.map((b) => b + 1))
    expect(await adapter.transactionPipelined(2)).toEqual(before.map((b) => b + 3))
  })
})
