// LISTEN/NOTIFY on one dedicated connection per pool, never a pooled one: a pooled connection is handed to
// other queries and transactions, and its LISTENs would vanish with it. Every channel shares that one
// connection. When it is lost (restart, pg_terminate_backend, a dead network found by the heartbeat) the
// listener reconnects with backoff, LISTENs again and calls each subscriber's onListen, because whatever
// was notified in between is gone for good: NOTIFY has no replay
// (https://www.postgresql.org/docs/current/sql-notify.html), so the app catches up from its own tables.
import { type Backoff, backoffDelay } from '@fasterapi/futures'
import { Connection } from './connection.ts'
import {
  CONNECTION_CLOSED,
  ConnectionError,
  INVALID_CHANNEL,
  NotifyPayloadTooLargeError,
  ParameterError,
  PgDriverError,
  PoolEndedError,
} from './errors.ts'
import { Execution, OBJECTS } from './internal/execution.ts'
import type { ResolvedConnectionOptions } from './options.ts'
import { escapeIdentifier } from './sql.ts'
import type { TypeRegistry } from './types/registry.ts'

export interface ListenerOptions {
  /** Ping the listening connection this often (ms); no answer within as long again closes it and reconnects. 0: off. @default 30_000 */
  heartbeat?: number
  /** Waits between reconnection attempts. @default { initialDelay: 50, factor: 2, maxDelay: 5_000 } with full jitter */
  backoff?: Backoff
}

export interface ListenOptions {
  /**
   * Called once the channel is listened to, and again after every reconnection: notifications sent while
   * the connection was down are lost, so this is where the app catches up (reads what it missed).
   */
  onListen?: () => unknown
}

export interface ListenHandle {
  /** The channel as given (it is quoted, so case and spaces are kept). */
  readonly channel: string
  /** Stops this subscription; the channel is UNLISTENed when it was its last one. */
  unlisten(): Promise<void>
}

// NOTIFY's payload "must be shorter than 8000 bytes" (default configuration); the server would fail the query
export const MAX_PAYLOAD_BYTES = 8000
// NAMEDATALEN - 1: a longer channel name is truncated by LISTEN but refused by pg_notify()
const MAX_CHANNEL_BYTES = 63

interface Subscription {
  readonly onNotify: (payload: string, processId: number) => unknown
  readonly onListen: (() => unknown) | undefined
  /** Its first LISTEN succeeded: from now on, a lost connection is recovered, not reported. */
  confirmed: boolean
}

interface ChannelState {
  readonly subscriptions: Set<Subscription>
  /** The LISTEN of this channel on the current connection. */
  listened: Promise<void>
}

export class Listener {
  readonly #options: ResolvedConnectionOptions
  readonly #registry: TypeRegistry
  readonly #heartbeat: number
  readonly #backoff: Backoff
  readonly #channels = new Map<string, ChannelState>()
  #connection: Connection | undefined = undefined
  #establishing: Promise<Connection> | undefined = undefined
  #heartbeatTimer: NodeJS.Timeout | undefined = undefined
  #ended = false

  constructor(options: ResolvedConnectionOptions, registry: TypeRegistry, listener: ListenerOptions = {}) {
    this.#options = options
    this.#registry = registry
    this.#heartbeat = listener.heartbeat ?? 30_000
    this.#backoff = { initialDelay: 50, factor: 2, maxDelay: 5_000, ...listener.backoff }
  }

  async listen(
    channel: string,
    onNotify: (payload: string, processId: number) => unknown,
    options: ListenOptions = {},
  ): Promise<ListenHandle> {
    checkChannel(channel)
    if (typeof onNotify !== 'function') throw new PgDriverError(INVALID_CHANNEL, 'listen() takes a callback')
    if (this.#ended) throw new PoolEndedError()
    const subscription: Subscription = { onNotify, onListen: options.onListen, confirmed: false }
    let state = this.#channels.get(channel)
    if (state === undefined) {
      state = { subscriptions: new Set(), listened: Promise.resolve() }
      this.#channels.set(channel, state)
      state.listened = this.#listenOn(channel)
    }
    state.subscriptions.add(subscription)
    try {
      await state.listened
    } catch (error) {
      this.#remove(channel, subscription)
      throw error
    }
    subscription.confirmed = true
    if (subscription.onListen !== undefined) callListen(subscription.onListen)
    return { channel, unlisten: () => this.#unlisten(channel, subscription) }
  }

  /** LISTEN on the current connection, opening it (or waiting for the reconnection under way) first. */
  async #listenOn(channel: string): Promise<void> {
    const connection = await this.#connect()
    await run(connection, `listen ${escapeIdentifier(channel)}`)
  }

  async #unlisten(channel: string, subscription: Subscription): Promise<void> {
    const state = this.#channels.get(channel)
    if (state === undefined || !state.subscriptions.has(subscription)) return
    this.#remove(channel, subscription)
    const connection = this.#connection
    if (this.#channels.has(channel) || connection === undefined) return
    if (this.#channels.size === 0) {
      // nothing left to listen to: the dedicated connection goes
      this.#connection = undefined
      this.#stopHeartbeat()
      await connection.end().catch(() => undefined)
      return
    }
    await run(connection, `unlisten ${escapeIdentifier(channel)}`).catch(() => undefined)
  }

  #remove(channel: string, subscription: Subscription): void {
    const state = this.#channels.get(channel)
    if (state === undefined) return
    state.subscriptions.delete(subscription)
    if (state.subscriptions.size === 0) this.#channels.delete(channel)
  }

  /** The listening connection, or the one being opened (with every channel LISTENed on it). */
  #connect(): Promise<Connection> {
    const current = this.#connection
    if (current !== undefined && !current.closed) return Promise.resolve(current)
    this.#establishing ??= this.#establish().finally(() => {
      this.#establishing = undefined
    })
    return this.#establishing
  }

  /** Whether a subscriber already heard "listening": then a lost connection is retried until it is back. */
  #recovering(): boolean {
    for (const state of this.#channels.values()) for (const s of state.subscriptions) if (s.confirmed) return true
    return false
  }

  async #establish(): Promise<Connection> {
    for (let attempt = 1; ; attempt++) {
      if (this.#ended) throw new PoolEndedError()
      try {
        const connection = await Connection.connect(this.#options, this.#registry)
        connection.onNotification = this.#dispatch
        connection.onClose = this.#lost
        const channels = [...this.#channels.keys()]
        if (channels.length > 0) await run(connection, channels.map((c) => `listen ${escapeIdentifier(c)};`).join(''))
        if (this.#ended || this.#channels.size === 0) {
          // ended, or every subscriber left while this connection opened
          await connection.end().catch(() => undefined)
          throw this.#ended ? new PoolEndedError() : new ConnectionError(CONNECTION_CLOSED, 'nothing to listen to')
        }
        this.#connection = connection
        this.#startHeartbeat(connection)
        // a reconnection: each subscriber that was listening before hears that it is listening again
        for (const channel of channels) {
          const state = this.#channels.get(channel)
          if (state === undefined) continue
          for (const s of state.subscriptions) if (s.confirmed && s.onListen !== undefined) callListen(s.onListen)
        }
        return connection
      } catch (error) {
        if (this.#ended || !this.#recovering()) throw error
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.#backoff, attempt)))
      }
    }
  }

  readonly #dispatch = (channel: string, payload: string, processId: number): void => {
    const state = this.#channels.get(channel)
    if (state === undefined) return
    // a subscriber whose LISTEN is under way gets them too: its LISTEN's answer and the first notifications
    // can arrive in one socket chunk, before listen() has resolved
    for (const s of state.subscriptions) {
      try {
        const out = s.onNotify(payload, processId)
        if (isThenable(out)) out.then(undefined, warn)
      } catch (error) {
        warn(error)
      }
    }
  }

  readonly #lost = (connection: Connection): void => {
    if (connection !== this.#connection) return
    this.#connection = undefined
    this.#stopHeartbeat()
    if (this.#ended || !this.#recovering()) return
    // every channel's next LISTEN is part of the reconnection
    const reconnected = this.#connect()
    for (const state of this.#channels.values()) state.listened = reconnected.then(() => undefined)
    reconnected.catch(() => undefined)
  }

  #startHeartbeat(connection: Connection): void {
    this.#stopHeartbeat()
    const interval = this.#heartbeat
    if (interval <= 0) return
    let waiting = false
    this.#heartbeatTimer = setInterval(() => {
      if (waiting || connection.closed) return
      waiting = true
      // a half-open socket (server frozen, network gone) never answers: close it, which reconnects
      const deadline = setTimeout(() => {
        const message = `the listening connection did not answer a heartbeat within ${interval} ms`
        connection.destroy(new ConnectionError(CONNECTION_CLOSED, message))
      }, interval)
      deadline.unref()
      connection.ping().then(() => {
        waiting = false
        clearTimeout(deadline)
      })
    }, interval)
    this.#heartbeatTimer.unref()
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) clearInterval(this.#heartbeatTimer)
    this.#heartbeatTimer = undefined
  }

  /** Closes the listening connection; no reconnection follows. */
  async end(): Promise<void> {
    this.#ended = true
    this.#stopHeartbeat()
    this.#channels.clear()
    const connection = this.#connection
    this.#connection = undefined
    await this.#establishing?.catch(() => undefined)
    await connection?.end().catch(() => undefined)
  }
}

/** Throws for a channel name LISTEN would truncate or refuse. */
export function checkChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== 'string' || channel.length === 0 || Buffer.byteLength(channel) > MAX_CHANNEL_BYTES) {
    throw new PgDriverError(
      INVALID_CHANNEL,
      `a channel name must be a non-empty string of at most ${MAX_CHANNEL_BYTES} bytes; got ${JSON.stringify(channel)}`,
    )
  }
}

/** Throws for a payload NOTIFY would refuse. */
export function checkPayload(payload: unknown): asserts payload is string {
  if (typeof payload !== 'string') {
    throw new ParameterError(2, `a notification payload must be a string; got ${typeof payload}`)
  }
  // only a long string can reach the limit: at most 3 UTF-8 bytes per UTF-16 unit
  if (payload.length * 3 >= MAX_PAYLOAD_BYTES) {
    const bytes = Buffer.byteLength(payload)
    if (bytes >= MAX_PAYLOAD_BYTES) throw new NotifyPayloadTooLargeError(bytes, MAX_PAYLOAD_BYTES)
  }
}

/** Runs `text` with the simple protocol on `connection` (LISTEN/UNLISTEN take no parameters). */
function run(connection: Connection, text: string): Promise<unknown> {
  const ex = new Execution(text, [], undefined, OBJECTS, undefined, undefined, undefined)
  ex.results = []
  connection.execute(ex)
  return ex.promise
}

function callListen(onListen: () => unknown): void {
  try {
    const out = onListen()
    if (isThenable(out)) out.then(undefined, warn)
  } catch (error) {
    warn(error)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function'
}

// a subscriber that throws must not stop the others or the listener: it becomes a process warning
function warn(error: unknown): void {
  process.emitWarning(`@fasterapi/pg listen callback threw: ${error instanceof Error ? error.message : String(error)}`)
}
