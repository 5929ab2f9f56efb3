import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPool, NotifyPayloadTooLargeError, PgDriverError, type Sql } from '../src/index.ts'

// the local cluster (not DATABASE_URL): these tests stop and terminate the listener's own backend
const url = inject('clusterUrl')
const admin = createPool({ url, max: 2, applicationName: 'listener-test-admin' })
afterAll(() => admin.end())

/** Values pushed by callbacks, awaited one at a time in order. */
function inbox<T>() {
  const items: T[] = []
  const waiters: ((item: T) => void)[] = []
  return {
    push(item: T) {
      const waiter = waiters.shift()
      if (waiter === undefined) items.push(item)
      else waiter(item)
    },
    next(): Promise<T> {
      const item = items.shift()
      if (item !== undefined) return Promise.resolve(item)
      return new Promise((resolve) => waiters.push(resolve))
    },
    get pending() {
      return items.length
    },
  }
}

let app = 0
/** A pool with its own application_name, so its listening backend can be found in pg_stat_activity. */
function listeningPool(options: Parameters<typeof createPool>[0] & object = {}): { sql: Sql; name: string } {
  const name = `listener-test-${process.pid}-${++app}`
  return { sql: createPool({ url, max: 1, applicationName: name, ...options }), name }
}

async function listenerPid(name: string): Promise<number> {
  const rows = await admin`select pid from pg_stat_activity where application_name = ${name}`
  expect(rows.length).toBe(1)
  return rows[0]!.pid as number
}

describe('listen / notify', () => {
  it('delivers notifications of several channels over one dedicated connection', async () => {
    const { sql, name } = listeningPool()
    try {
      const got = inbox<string>()
      await sql.listen('orders', (payload) => got.push(`orders:${payload}`))
      await sql.listen('Mixed Case "quoted"', (payload) => got.push(`mixed:${payload}`))
      await admin.notify('orders', '1')
      await admin.notify('Mixed Case "quoted"', 'é ✓')
      await admin.notify('mixed case "quoted"', 'other channel')
      await admin.notify('orders', '')
      expect([await got.next(), await got.next(), await got.next()]).toEqual(['orders:1', 'mixed:é ✓', 'orders:'])
      // the pool itself was never used: the one backend is the listener's
      await listenerPid(name)
    } finally {
      await sql.end()
    }
  })

  it('gives every subscriber of a channel each notification, with the sender backend id', async () => {
    const { sql } = listeningPool()
    try {
      const a = inbox<[string, number]>()
      const b = inbox<[string, number]>()
      await sql.listen('shared', (payload, pid) => a.push([payload, pid]))
      await sql.listen('shared', (payload, pid) => b.push([payload, pid]))
      const [row] = await admin.begin(async (tx) => {
        await tx.notify('shared', 'in a transaction')
        return tx`select pg_backend_pid() as pid`
      })
      const pid = row!.pid as number
      expect(await a.next()).toEqual(['in a transaction', pid])
      expect(await b.next()).toEqual(['in a transaction', pid])
    } finally {
      await sql.end()
    }
  })

  it('rejects a payload of 8000 bytes or more before sending it, and delivers 7999 intact', async () => {
    const { sql } = listeningPool()
    try {
      const got = inbox<string>()
      await sql.listen('big', (payload) => got.push(payload))
      const tooBig = `${'x'.repeat(7998)}é` // 8000 bytes in UTF-8
      const error = await admin.notify('big', tooBig).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(NotifyPayloadTooLargeError)
      expect(error).toMatchObject({ code: 'PG_NOTIFY_PAYLOAD_TOO_LARGE', bytes: 8000, limit: 8000 })
      const largest = `${'y'.repeat(7997)}é`
      await admin.notify('big', largest)
      expect(await got.next()).toBe(largest)
    } finally {
      await sql.end()
    }
  })

  it('refuses channel names LISTEN would truncate, and a missing callback', async () => {
    const { sql } = listeningPool()
    try {
      await expect(sql.listen('', () => undefined)).rejects.toMatchObject({ code: 'PG_INVALID_CHANNEL' })
      await expect(sql.listen('c'.repeat(64), () => undefined)).rejects.toBeInstanceOf(PgDriverError)
      await expect(admin.notify('c'.repeat(64), 'x')).rejects.toMatchObject({ code: 'PG_INVALID_CHANNEL' })
      await expect(sql.listen('ok', undefined as never)).rejects.toMatchObject({ code: 'PG_INVALID_CHANNEL' })
    } finally {
      await sql.end()
    }
  })

  it('stops delivering after unlisten and closes the connection after the last channel', async () => {
    const { sql, name } = listeningPool()
    try {
      const got = inbox<string>()
      const first = await sql.listen('one', (payload) => got.push(`one:${payload}`))
      const second = await sql.listen('two', (payload) => got.push(`two:${payload}`))
      await first.unlisten()
      await admin.notify('one', 'dropped')
      await admin.notify('two', 'kept')
      expect(await got.next()).toBe('two:kept')
      expect(got.pending).toBe(0)
      await second.unlisten()
      const rows = await admin`select count(*)::int as n from pg_stat_activity where application_name = ${name}`
      expect(rows[0]!.n).toBe(0)
    } finally {
      await sql.end()
    }
  })

  it('a subscriber that throws does not stop the others', async () => {
    const { sql } = listeningPool()
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.message)
    process.on('warning', onWarning)
    try {
      const got = inbox<string>()
      await sql.listen('throws', () => {
        throw new Error('subscriber failed')
      })
      await sql.listen('throws', (payload) => got.push(payload))
      await admin.notify('throws', 'still here')
      expect(await got.next()).toBe('still here')
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.some((w) => w.includes('subscriber failed'))).toBe(true)
    } finally {
      process.off('warning', onWarning)
      await sql.end()
    }
  })
})

describe('listen: a lost connection', () => {
  const role = `listen_role_${process.pid}`
  const password = 'listen secret'
  const roleUrl = () => {
    const u = new URL(url)
    u.username = role
    u.password = password
    return u.toString()
  }
  beforeAll(async () => {
    await admin.unsafe(`create role ${role} login password '${password}'`)
    await admin`create table if not exists listen_jobs (id int primary key)`
  })
  afterAll(async () => {
    await admin`drop table if exists listen_jobs`
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`
    await admin.unsafe(`drop role if exists ${role}`)
  })

  it('reconnects after pg_terminate_backend, calls onListen again, and the app catches up on what it missed', async () => {
    const name = `listener-test-terminated-${process.pid}`
    const sql = createPool({
      url: roleUrl(),
      applicationName: name,
      listener: { backoff: { initialDelay: 20, maxDelay: 200 } },
    })
    const seen = new Set<number>()
    const listened = inbox<number>()
    const notified = inbox<number>()
    // the app's pattern: a notification is a wake-up; onListen reads everything it has not seen yet
    const catchUp = async () => {
      const rows = await admin`select id from listen_jobs order by id`
      for (const row of rows) seen.add(row.id as number)
      listened.push(seen.size)
    }
    try {
      await sql.listen('jobs', (id) => notified.push(Number(id)), { onListen: catchUp })
      expect(await listened.next()).toBe(0)
      await admin`insert into listen_jobs values (1)`
      await admin.notify('jobs', '1')
      expect(await notified.next()).toBe(1)
      // the connection goes, and cannot come back until the role may log in again: job 2 is missed for sure
      await admin.unsafe(`alter role ${role} nologin`)
      // with a timeout, pg_terminate_backend waits until the backend has exited (else it could still get job 2)
      await admin`select pg_terminate_backend(pid, 30000) from pg_stat_activity where application_name = ${name}`
      await admin`insert into listen_jobs values (2)`
      await admin.notify('jobs', '2')
      await admin.unsafe(`alter role ${role} login`)
      expect(await listened.next()).toBe(2)
      expect(seen).toEqual(new Set([1, 2]))
      expect(notified.pending).toBe(0)
      // listening again: new notifications arrive
      await admin.notify('jobs', '3')
      expect(await notified.next()).toBe(3)
    } finally {
      await admin.unsafe(`alter role ${role} login`)
      await sql.end()
    }
  })

  it.runIf(process.getuid?.() === 0 || process.getuid?.() === undefined)(
    'the heartbeat finds a backend that stopped answering and reconnects',
    async () => {
      const { sql, name } = listeningPool({ listener: { heartbeat: 200, backoff: { initialDelay: 20 } } })
      const listened = inbox<true>()
      const got = inbox<string>()
      let frozen = 0
      try {
        await sql.listen('frozen', (payload) => got.push(payload), { onListen: () => listened.push(true) })
        await listened.next()
        frozen = await listenerPid(name)
        // the socket stays open but nothing answers: only the heartbeat can tell
        process.kill(frozen, 'SIGSTOP')
        await listened.next()
        await admin.notify('frozen', 'after the heartbeat')
        expect(await got.next()).toBe('after the heartbeat')
      } finally {
        if (frozen !== 0) process.kill(frozen, 'SIGCONT')
        await sql.end()
      }
    },
  )
})
