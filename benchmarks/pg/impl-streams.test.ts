// Every streaming adapter must give the right answers (on small sizes, to stay fast) before
// index-streams.ts times anything.
import { createPool } from '@fasterapi/pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { copyChunks, STREAM_ADAPTERS, STREAM_SETUP_SQL, type StreamAdapter } from './impl-streams.ts'
import { createFixtures } from './input.ts'

const url = inject('benchUrl')
const admin = createPool({ url, max: 1 })
const ROWS = 2_500

beforeAll(async () => {
  await createFixtures(url)
  for (const statement of STREAM_SETUP_SQL(ROWS)) await admin.unsafe(statement)
})
afterAll(() => admin.end())

describe.each(STREAM_ADAPTERS.map((make) => [make.name, make] as const))('%s streaming adapter', (_, make) => {
  let adapter: StreamAdapter
  beforeAll(() => {
    adapter = make(url)
  })
  afterAll(() => adapter.end())

  it('copies rows in with COPY FROM STDIN, every row intact', async () => {
    if (adapter.copyIn === undefined) return
    await admin`truncate bench_copy_in`
    await adapter.copyIn(copyChunks(ROWS))
    const rows =
      await admin`select count(*)::int as n, sum(id)::int8::text as s, max(label) filter (where id = 1234) as l from bench_copy_in`
    expect(rows[0]).toEqual({ n: ROWS, s: String((ROWS * (ROWS + 1)) / 2), l: 'row number 1234' })
  })

  it('counts every row of COPY TO STDOUT', async () => {
    if (adapter.copyOut === undefined) return
    expect(await adapter.copyOut()).toBe(ROWS)
  })

  it('reads every row through a cursor, batch by batch', async () => {
    if (adapter.cursor === undefined) return
    let batches = 0
    expect(await adapter.cursor(ROWS, () => batches++)).toBe(ROWS)
    expect(batches).toBe(Math.ceil(ROWS / 1000))
  })

  it('receives its own notifications, payload intact and in order', async () => {
    if (adapter.listen === undefined || adapter.notify === undefined) return
    const got: string[] = []
    let wake: (() => void) | undefined
    const unlisten = await adapter.listen('bench_check', (payload) => {
      got.push(payload)
      wake?.()
    })
    for (let i = 0; i < 20; i++) await adapter.notify('bench_check', `n${i} ✓`)
    while (got.length < 20) await new Promise<void>((resolve) => (wake = resolve))
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `n${i} ✓`))
    await unlisten()
  })

  it('runs the ten-statement transaction (with retry where offered)', async () => {
    if (adapter.transactionRetry === undefined) return
    const before = await adapter.transactionRetry(0)
    expect(await adapter.transactionRetry(1)).toEqual(before.map((b) => b + 1))
  })
})
