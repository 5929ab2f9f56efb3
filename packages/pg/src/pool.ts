// The pool: up to `max` connections. A query goes to an idle connection, else to a new one while under
// `max`, else it is pipelined behind the least-loaded connection (up to `maxPipeline` deep), else it
// waits in a bounded queue for at most `acquireTimeout` ms. Transactions and `reserve()` take a
// connection for themselves. Closed connections (server restart, network) are dropped and replaced.
import { defaultReactor, type WheelTimer } from '@fasterapi/futures'
import { Connection } from './connection.ts'
import { PoolEndedError, QueryAbortedError } from './errors.ts'
import { watchAbort } from './internal/cancel.ts'
import type { Execution } from './internal/execution.ts'
import { settle, type Waiter, WaitQueue, waiter } from './internal/wait-queue.ts'
import type { QueryHooks, ResolvedConnectionOptions } from './options.ts'
import type { Runner } from './query.ts'
import type { TypeRegistry } from './types/registry.ts'

export interface PoolOptions {
  /** Connections kept open even when idle. @default 0 */
  min?: number
  /** Most connections open at once. @default 10 */
  max?: number
  /** How long a query or reservation waits for a connection before AcquireTimeoutError. @default 10_000 */
  acquireTimeout?: number
  /** Close connections idle this long (down to `min`); 0 never. @default 30_000 */
  idleTimeout?: number
  /** Retire connections this old once idle; 0 never. @default 1_800_000 */
  maxLifetime?: number
  /** Most callers waiting for a connection; more are refused with PoolQueueFullError. @default 10_000 */
  maxWaiting?: number
  /** Most queries in flight on one connection before new ones wait. @default 256 */
  maxPipeline?: number
  /** Before reserving a connection idle this long, check it with an empty query. @default 30_000 */
  healthCheckAfter?: number
}

export interface PoolStats {
  /** Open connections (idle, busy or reserved). */
  total: number
  idle: number
  busy: number
  reserved: number
  connecting: number
  /** Queries and reservations waiting for a connection. */
  waiting: number
  /** Queries written and not yet answered, over all connections. */
  inFlight: number
}

export class Pool implements Runner {
  readonly hooks: QueryHooks | undefined
  readonly #options: ResolvedConnectionOptions
  readonly #registry: TypeRegistry
  readonly #min: number
  readonly #max: number
  readonly #idleTimeout: number
  readonly #maxLifetime: number
  readonly #maxPipeline: number
  readonly #healthCheckAfter: number
  /** Open connections that take queries (not reserved). */
  readonly #shared: Connection[] = []
  readonly #reserved = new Set<Connection>()
  readonly #idleTimers = new Map<Connection, WheelTimer>()
  readonly #waiters: WaitQueue
  #connecting = 0
  #ended = false

  constructor(options: ResolvedConnectionOptions, registry: TypeRegistry, pool: PoolOptions, hooks?: QueryHooks) {
    this.#options = options
    this.#registry = registry
    this.hooks = hooks
    this.#min = pool.min ?? 0
    this.#max = Math.max(1, pool.max ?? 10)
    this.#idleTimeout = pool.idleTimeout ?? 30_000
    this.#maxLifetime = pool.maxLifetime ?? 1_800_000
    this.#maxPipeline = pool.maxPipeline ?? 256
    this.#healthCheckAfter = pool.healthCheckAfter ?? 30_000
    this.#waiters = new WaitQueue(pool.maxWaiting ?? 10_000, pool.acquireTimeout ?? 10_000)
    this.#fillToMin()
  }

  get #total(): number {
    return this.#shared.length + this.#reserved.size + this.#connecting
  }

  dispatch(ex: Execution): void {
    if (this.#ended) {
      ex.failNow(new PoolEndedError())
      return
    }
    if (this.#waiters.length > 0) {
      // others are waiting (perhaps a reservation for an idle connection): join the line, first come first served
      const w = waiter(ex, undefined, (error) => ex.failNow(error))
      this.#waiters.add(w)
      this.#drain()
      if (!w.done && this.#total < this.#max) this.#open()
      return
    }
    const connection = this.#leastLoaded()
    if (connection !== undefined && connection.inFlight === 0) {
      this.#send(connection, ex)
      return
    }
    if (this.#total < this.#max) this.#open()
    else if (connection !== undefined && connection.inFlight < this.#maxPipeline) {
      this.#send(connection, ex)
      return
    }
    this.#waiters.add(waiter(ex, undefined, (error) => ex.failNow(error)))
  }

  /** Reserves a connection for `ex` alone (a cursor) and gives it back once `ex` settles. */
  dispatchExclusive(ex: Execution): void {
    if (ex.signal?.aborted) {
      ex.failNow(new QueryAbortedError(ex.signal.reason))
      return
    }
    this.reserve().then(
      (connection) => {
        const release = (): void => this.release(connection)
        ex.promise.then(release, release)
        connection.execute(ex)
        if (ex.signal !== undefined) watchAbort(connection, ex)
      },
      (error: unknown) => ex.failNow(error),
    )
  }

  #send(connection: Connection, ex: Execution): void {
    this.#idleTimers.get(connection)?.cancel()
    connection.execute(ex)
    if (ex.signal !== undefined) watchAbort(connection, ex)
  }

  #leastLoaded(): Connection | undefined {
    const shared = this.#shared
    let best: Connection | undefined
    for (let i = 0; i < shared.length; i++) {
      const c = shared[i]!
      if (best === undefined || c.inFlight < best.inFlight) {
        best = c
        if (c.inFlight === 0) break
      }
    }
    return best
  }

  /** Takes a connection for exclusive use (transactions, `reserve()`); give it back with `release`. */
  reserve(): Promise<Connection> {
    if (this.#ended) return Promise.reject(new PoolEndedError())
    return new Promise<Connection>((resolve, reject) => {
      const w = waiter(undefined, resolve, reject)
      const idle = this.#shared.find((c) => c.inFlight === 0)
      if (idle !== undefined) return this.#grantReservation(idle, w)
      if (this.#total < this.#max) this.#open()
      this.#waiters.add(w)
    })
  }

  #grantReservation(connection: Connection, w: Waiter): void {
    settle(w)
    this.#shared.splice(this.#shared.indexOf(connection), 1)
    this.#reserved.add(connection)
    this.#idleTimers.get(connection)?.cancel()
    if (this.#healthCheckAfter >= 0 && Date.now() - connection.idleSince >= this.#healthCheckAfter) {
      connection.ping().then(
        (healthy) => {
          if (healthy) return w.grant!(connection)
          this.#reserved.delete(connection)
          connection.destroy(undefined)
          w.done = false
          this.#waiters.add(w)
          this.#open()
        },
        () => undefined,
      )
      return
    }
    w.grant!(connection)
  }

  /** Returns a reserved connection; one left inside a transaction block is closed instead. */
  release(connection: Connection): void {
    if (!this.#reserved.delete(connection)) return
    if (connection.closed) {
      this.#afterClose()
      return
    }
    if (connection.transactionStatus !== 'I' || this.#ended) {
      connection.end().catch(() => undefined)
      this.#afterClose()
      return
    }
    this.#shared.push(connection)
    this.#onIdle(connection)
  }

  /** Hands waiting queries and reservations to connections that have room. */
  #drain(): void {
    if (this.#waiters.length === 0) return
    // while more connections are on their way, the first to open takes only its share of the burst
    let limit = this.#maxPipeline
    if (this.#connecting > 0) {
      let work = this.#waiters.length
      for (const c of this.#shared) work += c.inFlight
      limit = Math.min(limit, Math.ceil(work / (this.#shared.length + this.#connecting)))
    }
    this.#waiters.drain((w) => {
      if (w.ex === undefined) {
        const idle = this.#shared.find((c) => c.inFlight === 0)
        if (idle === undefined) return false
        this.#grantReservation(idle, w)
        return true
      }
      const connection = this.#leastLoaded()
      if (connection === undefined || connection.inFlight >= limit) return false
      settle(w)
      this.#send(connection, w.ex)
      return true
    })
  }

  #open(): void {
    this.#connecting++
    Connection.connect(this.#options, this.#registry).then(
      (connection) => {
        this.#connecting--
        connection.onIdle = (c) => this.#onIdle(c)
        connection.onClose = (c) => this.#onClose(c)
        if (this.#ended) {
          connection.end().catch(() => undefined)
          return
        }
        this.#shared.push(connection)
        this.#drain()
        if (connection.inFlight === 0) this.#onIdle(connection)
      },
      (error: Error) => {
        this.#connecting--
        // nothing else can serve the waiters: tell them now rather than at their timeout
        if (this.#total === 0) this.#waiters.failAll(error)
      },
    )
  }

  #onIdle(connection: Connection): void {
    if (this.#reserved.has(connection)) return
    if (this.#maxLifetime > 0 && Date.now() - connection.createdAt >= this.#maxLifetime) {
      this.#retire(connection)
      return
    }
    this.#drain()
    if (connection.inFlight > 0 || this.#idleTimeout <= 0 || this.#shared.indexOf(connection) === -1) return
    let timer = this.#idleTimers.get(connection)
    if (timer === undefined) {
      timer = defaultReactor().timers.schedule(this.#idleTimeout, () => {
        if (connection.inFlight === 0 && this.#shared.length + this.#reserved.size > this.#min) this.#retire(connection)
      })
      this.#idleTimers.set(connection, timer)
    } else timer.refresh()
  }

  #retire(connection: Connection): void {
    const index = this.#shared.indexOf(connection)
    if (index !== -1) this.#shared.splice(index, 1)
    this.#idleTimers.get(connection)?.cancel()
    this.#idleTimers.delete(connection)
    connection.end().catch(() => undefined)
    this.#afterClose()
  }

  #onClose(connection: Connection): void {
    const index = this.#shared.indexOf(connection)
    if (index !== -1) this.#shared.splice(index, 1)
    this.#reserved.delete(connection)
    this.#idleTimers.get(connection)?.cancel()
    this.#idleTimers.delete(connection)
    this.#afterClose()
  }

  #afterClose(): void {
    if (this.#ended) return
    if (this.#waiters.length > 0 && this.#total < this.#max) this.#open()
    this.#fillToMin()
  }

  #fillToMin(): void {
    while (!this.#ended && this.#total < this.#min) this.#open()
  }

  stats(): PoolStats {
    let idle = 0
    let inFlight = 0
    for (const c of this.#shared) {
      if (c.inFlight === 0) idle++
      inFlight += c.inFlight
    }
    for (const c of this.#reserved) inFlight += c.inFlight
    return {
      total: this.#shared.length + this.#reserved.size,
      idle,
      busy: this.#shared.length - idle,
      reserved: this.#reserved.size,
      connecting: this.#connecting,
      waiting: this.#waiters.pending,
      inFlight,
    }
  }

  /** Refuses new work, fails the waiters, lets in-flight queries finish and closes every connection. */
  async end(): Promise<void> {
    this.#ended = true
    this.#waiters.failAll(new PoolEndedError())
    for (const timer of this.#idleTimers.values()) timer.cancel()
    const all = [...this.#shared, ...this.#reserved]
    this.#shared.length = 0
    await Promise.all(all.map((c) => c.end().catch(() => undefined)))
  }
}
