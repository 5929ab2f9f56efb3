// The PostgreSQL bus for @fasterapi/sse channels: SSE channels of the same name in several processes (or
// machines) share their events. An event is a row of one table, numbered by a bigserial; NOTIFY carries only
// that number (a wake-up: its payload is limited to 8,000 bytes and NOTIFY has no replay). Each process keeps
// the highest id it delivered and, on every wake-up and after every reconnection of its LISTEN connection,
// reads the rows after it. So no process misses an event, and none delivers one twice. Old rows are trimmed
// by age and count.
import type { ListenHandle, Sql } from '@fasterapi/pg'
import type { BusMessage, ChannelBus } from '@fasterapi/sse'
import { EventBusError } from './errors.ts'

export interface PostgresBusOptions {
  /** The events table (created when missing); its name is also the NOTIFY channel. @default 'fasterapi_events' */
  table?: string
  /**
   * Recent events of a channel handed to it when it subscribes, so that a client reconnecting here with a
   * Last-Event-ID finds them in the channel's history: match the channel's `history`. @default 100
   */
  replay?: number
  /** Trim rows older than this many ms; 0 keeps them. @default 86_400_000 (a day) */
  maxAge?: number
  /** Trim all but the newest this many rows; 0 keeps them. @default 100_000 */
  maxCount?: number
  /** Trim every this many ms (and once at start); 0 only when `trim()` is called. @default 60_000 */
  trimInterval?: number
}

type Deliver = (message: BusMessage) => void

interface EventRow {
  id: string
  channel: string
  event: string | null
  data: string | null
}

// one lock class for every bus table: the second key is the table's name hashed
const LOCK_CLASS = 0x46415354 // 'FAST'

/**
 * A `ChannelBus` on PostgreSQL for `new Channel(name, { bus })`: events go through a table, and every process
 * delivers each one once, in id order, including those published while it was disconnected.
 * @example
 * const sql = createPool({ url: process.env.DATABASE_URL })
 * const bus = new PostgresBus(sql)
 * const news = new Channel('news', { bus, history: 100 })
 * app.sse('/news', ({ sse }) => news.subscribe(sse))
 * app.post('/news', async ({ body }) => ({ id: await news.publish({ json: body }) }))
 */
export class PostgresBus implements ChannelBus {
  readonly #sql: Sql
  readonly #table: string
  readonly #replay: number
  readonly #maxAge: number
  readonly #maxCount: number
  readonly #subscribers = new Map<string, Set<Deliver>>()
  // every read of the table runs in this chain, one after the other, so the cursor only moves forward
  #queue: Promise<unknown> = Promise.resolve()
  /** The highest id delivered by this process; undefined until the bus started. */
  #cursor: bigint | undefined = undefined
  #catchUpQueued = false
  #ready: Promise<void> | undefined = undefined
  #initialized: Promise<void> | undefined = undefined
  #listening: Promise<ListenHandle> | undefined = undefined
  #trimTimer: NodeJS.Timeout | undefined = undefined
  #closed = false

  constructor(sql: Sql, options: PostgresBusOptions = {}) {
    this.#sql = sql
    this.#table = options.table ?? 'fasterapi_events'
    this.#replay = count('replay', options.replay ?? 100)
    this.#maxAge = count('maxAge', options.maxAge ?? 86_400_000)
    this.#maxCount = count('maxCount', options.maxCount ?? 100_000)
    const interval = count('trimInterval', options.trimInterval ?? 60_000)
    if (interval > 0) {
      this.#trimTimer = setInterval(() => void this.trim().catch(() => undefined), interval)
      this.#trimTimer.unref()
    }
  }

  /** Creates the table and its index when missing (also done on first use). */
  ready(): Promise<void> {
    this.#ready ??= this.#sql.begin(async (tx) => {
      // two processes starting together must not both create the table (one would fail on pg_type)
      await tx`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${this.#table}))`
      const table = tx.id(this.#table)
      await tx`create table if not exists ${table} (
        id bigserial primary key,
        channel text not null,
        event text,
        data text,
        created_at timestamptz not null default now()
      )`
      await tx`create index if not exists ${tx.id(`${this.#table}_channel_id`)} on ${table} (channel, id)`
    })
    this.#ready.catch(() => {
      this.#ready = undefined
    })
    return this.#ready
  }

  /**
   * Stores the event and wakes every process; resolves with its id (the channel's event id everywhere).
   * The row is inserted under a transaction-scoped advisory lock, so ids become visible in increasing
   * order: a reader that saw id n never sees a smaller id commit later.
   */
  async publish(channel: string, message: BusMessage): Promise<string> {
    if (this.#closed) throw new EventBusError('EVENT_BUS_CLOSED', 'the event bus was closed')
    await this.ready()
    const table = this.#sql.id(this.#table)
    const [row] = await this.#sql`with locked as (
        select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(${this.#table}))
      ), inserted as (
        insert into ${table} (channel, event, data)
        select ${channel}, ${message.event ?? null}::text, ${message.data ?? null}::text from locked
        returning id
      )
      select id::text as id, pg_notify(${this.#table}, id::text) from inserted`
    return row!.id as string
  }

  /** Delivers `channel`'s events to `deliver`: first its `replay` most recent ones, then each new one once. */
  subscribe(channel: string, deliver: Deliver): () => void {
    if (this.#closed) return () => {}
    const entry: Deliver = (message) => deliver(message)
    this.#start()
    // the recent events go to this subscriber alone, before anything newer: it joins the set in the same step
    this.#enqueue(async () => {
      if (this.#closed) return
      try {
        await this.#init()
        if (this.#replay > 0) {
          const rows = await this.#sql<EventRow>`select * from (
              select id::text as id, channel, event, data from ${this.#sql.id(this.#table)}
              where channel = ${channel} and id <= ${String(this.#cursor)}::bigint
              order by id desc limit ${this.#replay}
            ) recent order by id::bigint`
          for (const row of rows) entry(toMessage(row))
        }
      } finally {
        // without its recent events (the database unreachable) it still gets every new one
        let set = this.#subscribers.get(channel)
        if (set === undefined) this.#subscribers.set(channel, (set = new Set()))
        set.add(entry)
      }
    })
    return () => {
      const set = this.#subscribers.get(channel)
      set?.delete(entry)
      if (set?.size === 0) this.#subscribers.delete(channel)
    }
  }

  /**
   * Resolves once this process listens and knows where it starts: every event published after that is
   * delivered here. Subscribing starts it too; await this before serving when that matters.
   */
  async listening(): Promise<void> {
    this.#start()
    await this.#listening
  }

  /**
   * The cursor first (the newest row), then LISTEN, once: its onListen (after every reconnection too)
   * catches up from the cursor, so what is published between the two is read then, not lost.
   */
  #start(): void {
    if (this.#listening !== undefined) return
    this.#listening = this.#init().then(() => this.#sql.listen(this.#table, this.#wake, { onListen: this.#wake }))
    this.#listening.catch((error: unknown) => {
      this.#listening = undefined
      warn(error)
    })
  }

  /** The table exists and the cursor starts at its newest row: what came before is only for replay. */
  #init(): Promise<void> {
    this.#initialized ??= (async () => {
      await this.ready()
      const [row] = await this.#sql`select coalesce(max(id), 0)::text as id from ${this.#sql.id(this.#table)}`
      this.#cursor = BigInt(row!.id as string)
    })()
    this.#initialized.catch(() => {
      this.#initialized = undefined
    })
    return this.#initialized
  }

  // a notification (or a reconnection): read what came after the cursor; wake-ups while one waits are one
  readonly #wake = (): void => {
    if (this.#catchUpQueued) return
    this.#catchUpQueued = true
    this.#enqueue(async () => {
      this.#catchUpQueued = false
      await this.#catchUp()
    })
  }

  async #catchUp(): Promise<void> {
    if (this.#closed) return
    await this.#init()
    for (;;) {
      const rows = await this.#sql<EventRow>`
        select id::text as id, channel, event, data from ${this.#sql.id(this.#table)}
        where id > ${String(this.#cursor)}::bigint order by id limit 1000`
      for (const row of rows) {
        this.#cursor = BigInt(row.id)
        const set = this.#subscribers.get(row.channel)
        if (set !== undefined) for (const deliver of set) deliver(toMessage(row))
      }
      if (rows.length < 1000) return
    }
  }

  #enqueue(step: () => Promise<void>): void {
    const next = this.#queue.then(step)
    // a failed step (the database unreachable) leaves the cursor where it was: the next wake-up retries
    this.#queue = next.catch((error: unknown) => {
      if (!this.#closed) warn(error)
    })
  }

  /** Deletes rows older than `maxAge` and all but the newest `maxCount`. */
  async trim(): Promise<void> {
    if (this.#closed) return
    await this.ready()
    const table = this.#sql.id(this.#table)
    if (this.#maxAge > 0) {
      await this
        .#sql`delete from ${table} where created_at < now() - ${this.#maxAge}::float8 * interval '1 millisecond'`
    }
    if (this.#maxCount > 0) {
      await this.#sql`delete from ${table} where id <= (
          select id from ${table} order by id desc offset ${this.#maxCount} limit 1
        )`
    }
  }

  /** Stops listening and trimming; the pool stays the caller's. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#trimTimer !== undefined) clearInterval(this.#trimTimer)
    this.#subscribers.clear()
    const listening = this.#listening
    this.#listening = undefined
    await Promise.all([listening?.then((handle) => handle.unlisten()).catch(() => undefined), this.#queue])
  }
}

function warn(error: unknown): void {
  process.emitWarning(`fasterapi event bus: ${error instanceof Error ? error.message : String(error)}`)
}

function toMessage(row: EventRow): BusMessage {
  const message: { id: string; event?: string; data?: string } = { id: row.id }
  if (row.event !== null) message.event = row.event
  if (row.data !== null) message.data = row.data
  return message
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new EventBusError('EVENT_BUS_INVALID_OPTION', `${name} must be an integer >= 0; got ${value}`)
  }
  return value
}
