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

  it('listens again after a restart: onListen fires again and the app catches up', async () => {
    const sql = createPool({ url: cluster.url, max: 1, listener: { backoff: { initialDelay: 20, maxDelay: 500 } } })
    const writer = createPool({ url: cluster.url, max: 1 })
    const seen = new Set<number>()
    let listens = 0
    let wake: (() => void) | undefined
    const changed = () => wake?.()
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise<void>((resolve) => (wake = resolve))
    }
    const catchUp = async () => {
      for (const row of await writer`select id from restart_jobs`) seen.add(row.id as number)
      listens++
      changed()
    }
    try {
      await writer`create table restart_jobs (id int primary key)`
      await sql.listen(
        'restart_jobs',
        (id) => {
          seen.add(Number(id))
          changed()
        },
        { onListen: catchUp },
      )
      await until(() => listens === 1)
      await writer`insert into restart_jobs values (1)`
      await writer.notify('restart_jobs', '1')
      await until(() => seen.has(1))
      await cluster.restart()
      // whether the listener is back before this notification or not, the job is seen: live or by catch-up
      await writer`insert into restart_jobs values (2)`
      await writer.notify('restart_jobs', '2')
      await until(() => listens === 2 && seen.has(2))
      expect(seen).toEqual(new Set([1, 2]))
      await writer.notify('restart_jobs', '3')
      await until(() => seen.has(3))
    } finally {
      await sql.end()
      await writer.end()
    }
  })
})
