// One server session: the socket, the startup handshake, and a pipeline of executions answered in
// order. Queries are written as soon as they are issued (batched per event-loop turn) without waiting
// for earlier ones; ReadyForQuery ('Z') settles the oldest execution in flight.
import type { Socket } from 'node:net'
import { serialize } from 'pg-protocol'
import { CONNECTION_CLOSED, CONNECTION_FAILED, ConnectionError } from './errors.ts'
import {
  copyDataHeader,
  Writer,
  writeCopyData,
  writeCopyDone,
  writeCopyFail,
  writeExecute,
  writeFlush,
  writeSync,
} from './internal/bytes.ts'
import { Execution } from './internal/execution.ts'
import { openSocket } from './internal/open-socket.ts'
import { handleMessage } from './internal/receive.ts'
import { needsDescribe, writeDescribeOnly, writeExecution } from './internal/send.ts'
import { StatementCache } from './internal/statement.ts'
import { type ResolvedConnectionOptions, readPassword } from './options.ts'
import type { TypeRegistry } from './types/registry.ts'

// below this many settled slots the in-flight array is left alone; beyond it, compacted
const COMPACT_AT = 1024
// COPY FROM STDIN: small chunks are gathered into one socket write of about this size; a chunk at least this
// large goes to the socket as it is (no copy into the output buffer)
const COPY_BATCH = 64 * 1024

export class Connection {
  readonly options: ResolvedConnectionOptions
  readonly registry: TypeRegistry
  readonly socket: Socket
  readonly writer = new Writer()
  readonly statements: StatementCache
  /** Server parameters reported with ParameterStatus ('S'): server_version, TimeZone... */
  readonly parameters = new Map<string, string>()
  readonly createdAt = Date.now()
  processId = 0
  secretKey = 0
  /** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
  transactionStatus = 'I'
  /** Milliseconds timestamp of the last time the pipeline drained. */
  idleSince = Date.now()
  /** Reused row buffer for decoding object rows. */
  readonly scratch: unknown[] = []
  closed = false
  closeReason: Error | undefined = undefined
  /** Called when the last execution in flight settles. */
  onIdle: ((connection: Connection) => void) | undefined = undefined
  /** Receives NotificationResponse ('A') messages: only the listener's dedicated connection sets it. */
  onNotification: ((channel: string, payload: string, processId: number) => void) | undefined = undefined
  /** Called once when the socket closes, for whatever reason. */
  onClose: ((connection: Connection, error: Error | undefined) => void) | undefined = undefined

  // in-flight executions, oldest at `head`
  readonly inflight: (Execution | undefined)[] = []
  head = 0
  #flushScheduled = false
  // executions issued while one waits for its parameter types (describe first): written after it, in order
  #held: Execution[] | undefined = undefined
  // partial message carried over between socket chunks
  #chunks: Buffer[] = []
  #carried = 0
  #needed = 0

  /** Startup handshake state, handled by receive.ts until the first ReadyForQuery. */
  startup: { resolve: () => void; reject: (error: Error) => void; password: string | undefined } | undefined

  constructor(socket: Socket, options: ResolvedConnectionOptions, registry: TypeRegistry) {
    this.socket = socket
    this.options = options
    this.registry = registry
    this.statements = new StatementCache(options.maxPreparedStatements)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (error) => this.destroy(error))
    socket.on('close', () => this.destroy(undefined))
  }

  /** Opens a connection and completes startup and authentication. */
  static async connect(options: ResolvedConnectionOptions, registry: TypeRegistry): Promise<Connection> {
    const socket = await openSocket(options)
    const connection = new Connection(socket, options, registry)
    let password: string | undefined
    try {
      password = await readPassword(options)
    } catch (error) {
      connection.destroy(error as Error)
      throw error
    }
    // the connect timeout covers the whole handshake, not just the TCP connect
    const timer = setTimeout(() => {
      const where = `${options.host}:${options.port}`
      const message = `timed out after ${options.connectTimeout} ms waiting for ${where} to complete startup`
      connection.destroy(new ConnectionError(CONNECTION_FAILED, message))
    }, options.connectTimeout)
    await new Promise<void>((resolve, reject) => {
      connection.startup = {
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
        password,
      }
      socket.write(
        serialize.startup({
          user: options.user,
          database: options.database,
          application_name: options.applicationName,
          client_encoding: 'UTF8',
          DateStyle: 'ISO, MDY',
          ...options.serverParameters,
        }),
      )
    })
    // a FATAL can arrive in the same chunk as the first ReadyForQuery (server shutting down)
    if (connection.closed) throw connection.closeReason ?? connection.#closedError()
    return connection
  }

  /** Executions written and not yet settled. */
  get inFlight(): number {
    return this.inflight.length - this.head
  }

  get current(): Execution | undefined {
    return this.inflight[this.head]
  }

  /** Writes `ex` into the pipeline; it settles when its ReadyForQuery arrives. */
  execute(ex: Execution): void {
    if (this.closed) {
      ex.failNow(this.#closedError())
      return
    }
    if (this.#held !== undefined) {
      this.#held.push(ex)
      return
    }
    const mark = this.writer.length
    try {
      if (needsDescribe(ex, this.statements)) {
        writeDescribeOnly(this.writer, ex, this.statements)
        ex.describing = true
        this.#held = []
      } else {
        writeExecution(this.writer, ex, this.statements, this.registry.options.serializers)
        if (ex.cursorSize > 0 || ex.copy !== 0) {
          // a cursor's unnamed portal must outlive several round trips, and during COPY the server takes only
          // copy messages: nothing else is written until it ends
          ex.connection = this
          this.#held = []
        }
      }
    } catch (error) {
      this.writer.length = mark
      ex.failNow(error)
      return
    }
    ex.sent = true
    this.inflight.push(ex)
    this.#scheduleFlush()
  }

  /**
   * `ex`'s Describe answered (its ReadyForQuery arrived): bind it with the parameter types now known, then
   * write what was held back behind it, in the order it was issued.
   */
  resumeAfterDescribe(ex: Execution): void {
    const held = this.#held ?? []
    this.#held = undefined
    ex.describing = false
    if (ex.error === undefined && ex.aborted === undefined) this.execute(ex)
    else ex.finish()
    for (const next of held) this.execute(next)
  }

  /** A cursor ended (its ReadyForQuery arrived): write what was held back behind it, in order. */
  releaseHeld(): void {
    const held = this.#held ?? []
    this.#held = undefined
    for (const next of held) this.execute(next)
  }

  /** A cursor's consumer wants the next batch: Execute with the row limit again, then Flush. */
  fetchMore(ex: Execution): void {
    if (this.closed || ex.synced) return
    writeExecute(this.writer, ex.cursorSize)
    writeFlush(this.writer)
    this.#scheduleFlush()
  }

  /** Ends a cursor (done, abandoned, or failed): Sync closes its portal and brings ReadyForQuery. */
  closeCursor(ex: Execution): void {
    if (this.closed || ex.synced) return
    ex.synced = true
    writeSync(this.writer)
    this.#scheduleFlush()
  }

  /**
   * COPY FROM STDIN: one CopyData message. Returns false when the socket holds more than its high-water
   * mark: the caller waits for `drained()` before the next chunk.
   */
  copyData(chunk: string | Uint8Array): boolean {
    if (this.closed) return true
    const bytes = typeof chunk === 'string' ? chunk.length * 3 : chunk.length
    if (bytes >= COPY_BATCH) {
      const exact = typeof chunk === 'string' ? Buffer.byteLength(chunk) : bytes
      this.#flush()
      this.socket.cork()
      this.socket.write(copyDataHeader(exact))
      this.socket.write(chunk)
      this.socket.uncork()
    } else {
      writeCopyData(this.writer, chunk)
      if (this.writer.length >= COPY_BATCH) this.#flush()
      else this.#scheduleFlush()
    }
    return !this.socket.writableNeedDrain
  }

  /** Resolves once the socket wrote out its buffer (or closed). */
  drained(): Promise<void> {
    if (this.closed || !this.socket.writableNeedDrain) return Promise.resolve()
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      this.socket.on('drain', done)
      this.socket.on('close', done)
    })
  }

  /** COPY FROM STDIN: the data is complete; CommandComplete and ReadyForQuery follow. */
  copyDone(): void {
    if (this.closed) return
    writeCopyDone(this.writer)
    this.#scheduleFlush()
  }

  /** COPY FROM STDIN: abort it; the server rolls the COPY back and answers with an error (Sync: sent with the extended protocol). */
  copyFail(message: string, sync = false): void {
    if (this.closed) return
    writeCopyFail(this.writer, message)
    if (sync) writeSync(this.writer)
    this.#scheduleFlush()
  }

  #scheduleFlush(): void {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      process.nextTick(this.#flush)
    }
  }

  #flush = (): void => {
    this.#flushScheduled = false
    if (this.writer.length > 0 && !this.closed) this.socket.write(this.writer.take())
  }

  /** Removes the oldest execution from the pipeline, once its ReadyForQuery arrived. */
  shift(): Execution | undefined {
    const ex = this.inflight[this.head]
    if (ex === undefined) return undefined
    this.inflight[this.head++] = undefined
    if (this.head === this.inflight.length) {
      this.inflight.length = 0
      this.head = 0
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.inflight.length) {
      this.inflight.splice(0, this.head)
      this.head = 0
    }
    return ex
  }

  #onData(chunk: Buffer): void {
    let buf = chunk
    if (this.#carried > 0) {
      this.#chunks.push(chunk)
      this.#carried += chunk.length
      if (this.#carried < this.#needed) return
      buf = Buffer.concat(this.#chunks, this.#carried)
      this.#chunks = []
      this.#carried = 0
    }
    const length = buf.length
    let p = 0
    try {
      while (length - p >= 5) {
        const end = p + 1 + ((buf[p + 1]! << 24) | (buf[p + 2]! << 16) | (buf[p + 3]! << 8) | buf[p + 4]!)
        if (end > length) break
        handleMessage(this, buf[p]!, buf, p + 5, end)
        if (this.closed) return
        p = end
      }
    } catch (error) {
      // a message pg-protocol cannot parse (an unknown auth request...): the session cannot continue
      this.destroy(error as Error)
      return
    }
    if (p < length) {
      const rest = p === 0 ? buf : buf.subarray(p)
      this.#chunks.push(rest)
      this.#carried = rest.length
      this.#needed = rest.length >= 5 ? 1 + rest.readInt32BE(1) : 5
    }
  }

  #closedError(): Error {
    return new ConnectionError(
      CONNECTION_CLOSED,
      `the connection is closed${this.closeReason ? `: ${this.closeReason.message}` : ''}`,
      { cause: this.closeReason },
    )
  }

  /** Closes the socket at once and fails everything in flight. */
  destroy(error: Error | undefined): void {
    if (this.closed) return
    this.closed = true
    this.closeReason ??= error
    this.socket.destroy()
    const failure = this.#closedError()
    this.startup?.reject(this.closeReason ?? failure)
    this.startup = undefined
    const held = this.#held ?? []
    this.#held = undefined
    for (let ex = this.shift(); ex !== undefined; ex = this.shift()) {
      ex.fail(failure)
      ex.finish()
    }
    for (const ex of held) ex.failNow(failure)
    this.statements.clear()
    this.onClose?.(this, this.closeReason)
  }

  /** Health check: an empty query answers EmptyQueryResponse at once, or fails if the session is gone. */
  ping(): Promise<boolean> {
    const ex = new Execution('', [], undefined, 0, undefined, undefined, undefined)
    this.execute(ex)
    return ex.promise.then(
      () => true,
      () => false,
    )
  }

  /** Sends Terminate ('X') after the pipeline drains, then closes. */
  async end(): Promise<void> {
    if (this.closed) return
    while (this.inFlight > 0) await this.inflight[this.inflight.length - 1]!.promise.catch(() => undefined)
    if (this.closed) return
    this.#flush()
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()))
    this.socket.end(serialize.end())
    await closed
  }
}
