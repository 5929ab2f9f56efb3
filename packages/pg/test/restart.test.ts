import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, createPool, PostgresError } from '../src/index.ts'
import { type Cluster, startCluster } from '../src/testing.ts'

// its own cluster: restarting the shared one would disturb the other test files running in parallel
let cluster: Cluster
beforeAll(async () => {
  cluster = await startCluster()
})
afterAll(() => cluster?.stop())

describe('server restart', () => {
  it('recovers after the server restarts while the pool is idle', async () => {
    const sql = createPool({ url: cluster.url, max: 3, min: 1 })
    try {
      const before = await Promise.all([sql`select pg_backend_pid() as pid`, sql`select 1 as one`])
      await cluster.restart()
      const after = await sql`select pg_backend_pid() as pid, 'back' as state`
      expect(after[0]!.state).toBe('back')
      expect(after[0]!.pid).not.toBe(before[0]![0]!.pid)
      expect([...(await sql.begin((tx) => tx`select 2 as two`))]).toEqual([{ two: 2 }])
    } finally {
      await sql.end()
    }
  })

  it('fails queries in flight when the server goes away, with the cause', async () => {
    const sql = createPool({ url: cluster.url, max: 1 })
    try {
      await sql`select 1`
      const running = sql`select pg_sleep(30)`.execute()
      const restarted = cluster.restart()
      const error = await running.catch((e: unknown) => e)
      expect(error instanceof PostgresError || error instanceof ConnectionError).toBe(true)
      expect((error as PostgresError).code).toMatch(/^(57P01|PG_CONNECTION_CLOSED)$/)
      await restarted
      expect((await sql`select 'ok' as v`)[0]).toEqual({ v: 'ok' })
    } finally {
      await sql.end()
    }
  })
})
