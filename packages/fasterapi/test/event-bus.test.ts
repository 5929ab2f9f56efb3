import { type ChildProcess, fork } from 'node:child_process'
import { Agent, get } from 'node:http'
import { fileURLToPath } from 'node:url'
import { createPool, type Sql } from '@fasterapi/pg'
import type { BusMessage } from '@fasterapi/sse'
import { EventSource } from 'eventsource'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { EventBusError } from '../src/errors.ts'
import { PostgresBus } from '../src/event-bus.ts'

const url = inject('databaseUrl')
let tables = 0
const table = () => `bus_test_${process.pid}_${++tables}`
const pools: Sql[] = []
const pool = (applicationName = 'event-bus-test') => {
  const sql = createPool({ url, max: 2, applicationName, listener: { backoff: { initialDelay: 20, maxDelay: 200 } } })
  pools.push(sql)
  return sql
}
const admin = pool()
afterAll(async () => {
  for (let i = 1; i <= tables; i++) await admin`drop table if exists ${admin.id(`bus_test_${process.pid}_${i}`)}`
  await Promise.all(pools.map((sql) => sql.end()))
})

/** Messages delivered to a subscriber, awaited in order. */
function collector() {
  const messages: BusMessage[] = []
  let wake: (() => void) | undefined
  return {
    messages,
    deliver: (message: BusMessage) => {
      messages.push(message)
      wake?.()
    },
    async until(n: number): Promise<BusMessage[]> {
      while (messages.length < n) await new Promise<void>((resolve) => (wake = resolve))
      return messages
    },
  }
}

describe('PostgresBus', () => {
  it('delivers an event published through one bus to the subscribers of another, under the table id', async () => {
    const name = table()
    const a = new PostgresBus(pool(), { table: name })
    const b = new PostgresBus(pool(), { table: name })
    try {
      const atA = collector()
      const atB = collector()
      a.subscribe('news', atA.deliver)
      b.subscribe('news', atB.deliver)
      b.subscribe('other', () => expect.unreachable('another channel'))
      await Promise.all([a.listening(), b.listening()])
      const first = await a.publish('news', { id: 'ignored', event: 'price', data: '{"p":1}' })
      const second = await b.publish('news', { id: 'ignored', data: 'two' })
      expect(BigInt(second)).toBeGreaterThan(BigInt(first))
      const expected = [
        { id: first, event: 'price', data: '{"p":1}' },
        { id: second, data: 'two' },
      ]
      expect(await atA.until(2)).toEqual(expected)
      expect(await atB.until(2)).toEqual(expected)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  it("hands a new subscriber its channel's most recent events (for Last-Event-ID), then only new ones", async () => {
    const name = table()
    const writer = new PostgresBus(pool(), { table: name })
    const reader = new PostgresBus(pool(), { table: name, replay: 3 })
    try {
      const ids: string[] = []
      for (let i = 1; i <= 5; i++) ids.push(await writer.publish('news', { id: '', data: `old ${i}` }))
      await writer.publish('sports', { id: '', data: 'elsewhere' })
      const got = collector()
      reader.subscribe('news', got.deliver)
      await reader.listening()
      const fresh = await writer.publish('news', { id: '', data: 'new' })
      expect((await got.until(4)).map((m) => [m.id, m.data])).toEqual([
        [ids[2], 'old 3'],
        [ids[3], 'old 4'],
        [ids[4], 'old 5'],
        [fresh, 'new'],
      ])
    } finally {
      await Promise.all([writer.close(), reader.close()])
    }
  })

  it('delivers everything published around a lost LISTEN connection exactly once, in order', async () => {
    const name = table()
    const app = `event-bus-reader-${process.pid}`
    const writer = new PostgresBus(pool(), { table: name })
    const reader = new PostgresBus(pool(app), { table: name })
    try {
      const got = collector()
      reader.subscribe('news', got.deliver)
      await reader.listening()
      const ids = [await writer.publish('news', { id: '', data: '1' })]
      await got.until(1)
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`
      for (let i = 2; i <= 6; i++) ids.push(await writer.publish('news', { id: '', data: String(i) }))
      expect((await got.until(6)).map((m) => m.id)).toEqual(ids)
      ids.push(await writer.publish('news', { id: '', data: '7' }))
      expect((await got.until(7)).map((m) => m.id)).toEqual(ids)
    } finally {
      await Promise.all([writer.close(), reader.close()])
    }
  })

  it('trims rows by count and by age', async () => {
    const name = table()
    const bus = new PostgresBus(admin, { table: name, maxCount: 3, maxAge: 0, trimInterval: 0 })
    try {
      for (let i = 1; i <= 5; i++) await bus.publish('news', { id: '', data: String(i) })
      await bus.trim()
      const kept = await admin`select data from ${admin.id(name)} order by id`
      expect(kept.map((r) => r.data)).toEqual(['3', '4', '5'])
      const byAge = new PostgresBus(admin, { table: name, maxAge: 60_000, maxCount: 0, trimInterval: 0 })
      await admin`update ${admin.id(name)} set created_at = now() - interval '2 minutes' where data <> '5'`
      await byAge.trim()
      expect((await admin`select data from ${admin.id(name)}`).map((r) => r.data)).toEqual(['5'])
      await byAge.close()
    } finally {
      await bus.close()
    }
  })

  it('refuses bad options and publishing after close with coded errors', async () => {
    expect(() => new PostgresBus(admin, { replay: -1 })).toThrow(EventBusError)
    const bus = new PostgresBus(admin, { table: table(), trimInterval: 0 })
    await bus.close()
    await expect(bus.publish('news', { id: '' })).rejects.toMatchObject({ code: 'EVENT_BUS_CLOSED' })
  })
})

// ---- two processes behind listen({ workers: 2 }) ----

const fixture = fileURLToPath(new URL('./fixtures/event-bus-app.ts', import.meta.url))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

/** GET `path` on `agent`'s single keep-alive connection (so on one worker), as JSON. */
function getJson<T>(agent: Agent, base: string, path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve(JSON.parse(body) as T))
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** A keep-alive connection that landed on a worker other than `avoid` (or on `want`). */
async function connectionTo(base: string, accept: (pid: number) => boolean): Promise<Agent> {
  for (;;) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const { pid } = await getJson<{ pid: number }>(agent, base, '/pid')
    if (accept(pid)) return agent
    agent.destroy()
  }
}

interface Stream {
  pid: number
  events: { id: string; data: string }[]
  until(n: number): Promise<{ id: string; data: string }[]>
  close(): void
}

/** An EventSource on /news that landed on a worker `accept` takes, with Last-Event-ID when given. */
async function streamTo(base: string, accept: (pid: number) => boolean, lastEventId?: string): Promise<Stream> {
  for (;;) {
    const source = new EventSource(`${base}/news`, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init.headers, ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
        }),
    })
    const events: { id: string; data: string }[] = []
    let wake: (() => void) | undefined
    source.addEventListener('message', (e) => {
      events.push({ id: e.lastEventId, data: e.data })
      wake?.()
    })
    const pid = await new Promise<number>((resolve, reject) => {
      source.addEventListener('hello', (e) => resolve(Number(e.data)))
      source.addEventListener('error', () => reject(new Error('event stream failed')), { once: true })
    })
    if (!accept(pid)) {
      source.close()
      continue
    }
    return {
      pid,
      events,
      async until(n) {
        while (events.length < n) await new Promise<void>((resolve) => (wake = resolve))
        return events
      },
      close: () => source.close(),
    }
  }
}

describe('PostgresBus across listen({ workers: 2 })', () => {
  it('an event published through process A reaches an EventSource on process B; a client that reconnects to the other process gets every missed event once', async () => {
    const child = fork(fixture, {
      execArgv: ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, DATABASE_URL: url, BUS_TABLE: table() },
    })
    children.push(child)
    child.unref()
    const agents: Agent[] = []
    try {
      const { url: base } = await new Promise<{ url: string }>((resolve, reject) => {
        child.stdout!.once('data', (d) => resolve(JSON.parse(String(d))))
        child.once('exit', (code) => reject(new Error(`the app exited with ${code}`)))
      })
      // the client listens on B; the event is published through A
      const first = await streamTo(base, () => true)
      const b = first.pid
      const toA = await connectionTo(base, (pid) => pid !== b)
      agents.push(toA)
      const published = await getJson<{ pid: number; id: string }>(toA, base, '/publish/hello%20B')
      expect(published.pid).not.toBe(b)
      const a = published.pid
      expect(await first.until(1)).toEqual([{ id: published.id, data: 'hello B' }])

      // the client goes away; three events are published meanwhile, through both processes
      first.close()
      const toB = await connectionTo(base, (pid) => pid === b)
      agents.push(toB)
      const missed = [
        await getJson<{ id: string }>(toA, base, '/publish/gap%201'),
        await getJson<{ id: string }>(toB, base, '/publish/gap%202'),
        await getJson<{ id: string }>(toA, base, '/publish/gap%203'),
      ]
      // it reconnects with its Last-Event-ID, this time to A: every missed event once, then the live ones
      const again = await streamTo(base, (pid) => pid === a, published.id)
      const after = await getJson<{ id: string }>(toB, base, '/publish/live')
      expect(await again.until(4)).toEqual([
        { id: missed[0]!.id, data: 'gap 1' },
        { id: missed[1]!.id, data: 'gap 2' },
        { id: missed[2]!.id, data: 'gap 3' },
        { id: after.id, data: 'live' },
      ])
      again.close()
    } finally {
      for (const agent of agents) agent.destroy()
      const exited = new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)))
      child.send('close')
      await exited
    }
  }, 90_000)
})
