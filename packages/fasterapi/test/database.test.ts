import { App, HTTPException, type Logger } from '@fasterapi/http'
import { TestClient } from '@fasterapi/http/testing'
import { createPool } from '@fasterapi/pg'
import { describe, expect, it } from 'vitest'
import { DatabaseNotStartedError, database } from '../src/pg.ts'
import { freshDatabase, until } from './helpers/database.ts'

const migrations = new URL('./fixtures/migrations/', import.meta.url)

function recordingLogger(): Logger & { errors: unknown[] } {
  const errors: unknown[] = []
  return { errors, error: (details) => errors.push(details), warn: () => {}, info: () => {} }
}

describe('database()', () => {
  it('opens the pool and applies the migrations at startup, once, and drains the pool at shutdown', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, migrations })
    const app = new App()
    app.lifespan(db.lifespan)
    app.get('/notes', { deps: { sql: db.sql } }, async ({ deps }) => {
      const rows = await deps.sql<{ body: string; tag: string | null }>`select body, tag from notes order by id`
      const [count] = await deps.sql<{ n: string }>`select note_count() as n`
      return { rows: [...rows], n: count?.n }
    })
    expect(() => db.pool).toThrow(DatabaseNotStartedError)
    const client = await TestClient.start(app)
    expect((await client.get('/notes')).json()).toEqual({
      rows: [{ body: 'first; with a semicolon', tag: null }],
      n: '1',
    })
    await client.close()
    expect(() => db.pool).toThrow(DatabaseNotStartedError)
    // a second start finds both files applied and applies nothing again
    const again = database({ url: scratch.url, migrations })
    await again.start()
    expect([...(await again.pool`select name from fasterapi_migrations order by name`)]).toEqual([
      { name: '001-notes.sql' },
      { name: '002-tags.sql' },
    ])
    expect([...(await again.pool`select count(*)::int as n from notes`)]).toEqual([{ n: 1 }])
    await again.close()
  })

  it('cancels the query on the server when the client disconnects, and logs nothing', async () => {
    await using scratch = await freshDatabase()
    const db = database(scratch.url)
    const logger = recordingLogger()
    const app = new App({ logger })
    app.lifespan(db.lifespan)
    let started!: () => void
    const running = new Promise<void>((resolve) => (started = resolve))
    app.get('/slow', { deps: { sql: db.sql } }, async ({ deps }) => {
      const query = deps.sql`select pg_sleep(60) as slept`
      started()
      return await query
    })
    await using client = await TestClient.start(app)
    const watcher = createPool({ url: scratch.url, max: 1 })
    const sleeping = async () =>
      (
        await watcher`select count(*)::int as n from pg_stat_activity where query like 'select pg_sleep(60)%' and state = 'active'`
      )[0]!.n as number
    const controller = new AbortController()
    const request = client.get('/slow', { signal: controller.signal }).catch((error: Error) => error)
    await running
    await until(async () => (await sleeping()) === 1, 'pg_sleep to show in pg_stat_activity')
    controller.abort()
    expect(await request).toBeInstanceOf(Error)
    await until(async () => (await sleeping()) === 0, 'pg_sleep to leave pg_stat_activity')
    await watcher.end()
    await client.close()
    expect(logger.errors).toEqual([])
  })

  it('commits before the response is written: the row is visible to another connection when the 201 arrives', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, migrations })
    const app = new App()
    app.lifespan(db.lifespan)
    app.post('/notes', { status: 201, deps: { tx: db.transaction } }, async ({ deps }) => {
      const [note] = await deps.tx<{ id: number }>`insert into notes (body) values ('committed') returning id`
      return note
    })
    await using client = await TestClient.start(app)
    const reader = createPool({ url: scratch.url, max: 1 })
    for (let i = 0; i < 5; i++) {
      const response = await client.post('/notes')
      expect(response.status).toBe(201)
      const { id } = response.json()
      expect([...(await reader`select body from notes where id = ${id}`)]).toEqual([{ body: 'committed' }])
    }
    await reader.end()
  })

  it('answers an error, never 2xx, when COMMIT fails on a deferred constraint, and keeps nothing', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, migrations })
    const app = new App()
    app.lifespan(db.lifespan)
    app.post('/pairs', { status: 201, deps: { tx: db.transaction } }, async ({ deps }) => {
      await deps.tx`create table if not exists pairs (k int, constraint one_k unique (k) deferrable initially deferred)`
      await deps.tx`insert into pairs values (1)`
      await deps.tx`insert into pairs values (1)` // accepted now, checked at COMMIT
      return { inserted: 2 }
    })
    await using client = await TestClient.start(app)
    const response = await client.post('/pairs')
    expect(response.status).toBe(409)
    expect(response.json().detail).toContain('one_k')
    expect([...(await db.pool`select to_regclass('pairs') as t`)]).toEqual([{ t: null }])
  })

  it('gives one of two conflicting serializable transactions an error, never two 2xx answers', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, migrations })
    const app = new App()
    app.lifespan(db.lifespan)
    let arrived = 0
    let bothRead!: () => void
    const barrier = new Promise<void>((resolve) => (bothRead = resolve))
    app.post('/on-call/{name}', { status: 201, deps: { tx: db.transaction } }, async ({ params, deps }) => {
      await deps.tx`set transaction isolation level serializable`
      const [row] = await deps.tx<{ n: number }>`select count(*)::int as n from notes where tag = 'on-call'`
      if (++arrived === 2) bothRead()
      await barrier // both have read "nobody is on call" before either writes: write skew
      if (row?.n === 0) await deps.tx`insert into notes (body, tag) values (${params.name}, 'on-call')`
      return { name: params.name }
    })
    await using client = await TestClient.start(app)
    const statuses = (await Promise.all([client.post('/on-call/ada'), client.post('/on-call/alan')])).map(
      (r) => r.status,
    )
    expect(statuses.sort()).toEqual([201, 409])
    expect([...(await db.pool`select count(*)::int as n from notes where tag = 'on-call'`)]).toEqual([{ n: 1 }])
  })

  it('rolls the transaction back when the handler fails', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, migrations })
    const app = new App()
    app.lifespan(db.lifespan)
    app.post('/notes', { deps: { tx: db.transaction } }, async ({ deps }) => {
      await deps.tx`insert into notes (body) values ('never')`
      throw new HTTPException(400, 'changed my mind')
    })
    await using client = await TestClient.start(app)
    expect((await client.post('/notes')).status).toBe(400)
    expect([...(await db.pool`select count(*)::int as n from notes where body = 'never'`)]).toEqual([{ n: 0 }])
    // the rollback and the release run in the dependency's exit ('function' scope), before the answer is written
    expect(db.pool.stats().reserved).toBe(0)
  })

  it('answers 503 with Retry-After when no connection frees up within the acquire timeout', async () => {
    await using scratch = await freshDatabase()
    const db = database({ url: scratch.url, max: 1, acquireTimeout: 200, retryAfter: 3 })
    const logger = recordingLogger()
    const app = new App({ logger })
    app.lifespan(db.lifespan)
    let holding!: () => void
    const held = new Promise<void>((resolve) => (holding = resolve))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    app.post('/hold', { deps: { tx: db.transaction } }, async () => {
      holding()
      await released
      return { held: true }
    })
    app.get('/query', { deps: { sql: db.sql } }, async ({ deps }) => deps.sql`select 1 as one`)
    await using client = await TestClient.start(app)
    const hold = client.post('/hold')
    await held
    const busy = await client.get('/query')
    expect(busy.status).toBe(503)
    expect(busy.headers.get('retry-after')).toBe('3')
    release()
    expect((await hold).status).toBe(200)
    expect(db.pool.stats().reserved).toBe(0) // released in the exit, before the answer was written
    expect((await client.get('/query')).json()).toEqual([{ one: 1 }])
    expect(logger.errors).toEqual([])
  })
})
