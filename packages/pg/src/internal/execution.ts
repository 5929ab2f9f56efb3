// One run of a query on a connection: its text and parameters going out, its rows coming back, and the
// promise the caller awaits. The connection fills it in as the protocol messages arrive.
import { ParameterError, PostgresError, QueryAbortedError } from '../errors.ts'
import type { QueryHooks } from '../options.ts'
import { Result } from '../result.ts'
import type { Decoder } from '../types/registry.ts'
import type { Column, RowMaker, Statement } from './statement.ts'

/** Rows as objects keyed by column name. */
export const OBJECTS = 0
/** Rows as arrays, in column order (`.values()`). */
export const VALUES = 1

/** `Execution.copy`: what the caller will do with a COPY (sent with the simple protocol, alone on its connection). */
export const COPY_IN = 1
export const COPY_OUT = 2

export class Execution {
  readonly text: string
  readonly params: readonly unknown[]
  /** Parameter type OIDs for Parse (from `sql.typed`), or undefined to let the server infer all. */
  readonly parameterTypes: number[] | undefined
  readonly mode: number
  /** An Error made where the query was written; its frames replace the driver's in failures. */
  readonly origin: Error | undefined
  readonly hooks: QueryHooks | undefined
  readonly signal: AbortSignal | undefined
  readonly promise: Promise<any>
  resolve!: (result: Result<any> | Result<any>[]) => void
  reject!: (error: unknown) => void
  startedAt = 0

  // filled in by the connection
  statement: Statement | undefined = undefined
  /** This execution carries the Parse of `statement` (first use on this connection). */
  parses = false
  /** Result columns were bound with the statement's formats (binary where preferred). */
  binary = false
  columns: Column[] | undefined = undefined
  decoders: Decoder[] | undefined = undefined
  makeRow: RowMaker | undefined = undefined
  /** Sent with the simple query protocol ('Q'); collects one result per statement. */
  results: Result<any>[] | undefined = undefined
  /** A cursor's batch size (rows per Execute); 0 for a query that returns every row at once. */
  cursorSize = 0
  /** A cursor's consumer: called with each batch, `last` once the portal completed. */
  onBatch: ((rows: Result<any>, last: boolean) => void) | undefined = undefined
  /** The connection a cursor runs on, to ask for more rows or end it. */
  connection: import('../connection.ts').Connection | undefined = undefined
  /** COPY_IN (`copyFrom`) or COPY_OUT (`copyTo`); 0 for anything else. */
  copy = 0
  /** CopyInResponse arrived: start sending the data. */
  onCopyIn: ((connection: import('../connection.ts').Connection) => void) | undefined = undefined
  /** A CopyData of COPY TO STDOUT: bytes `start` to `end` of the socket's `buf` (undefined once the consumer left: dropped). */
  onCopyData: ((buf: Buffer, start: number, end: number) => void) | undefined = undefined
  /** The server entered copy mode (CopyInResponse or CopyOutResponse arrived). */
  copying = false
  /** The consumer of COPY TO STDOUT left early and the COPY was cancelled: its 57014 is expected. */
  copyAbandoned = false
  /** A cursor's Sync was written: ReadyForQuery will settle it. */
  synced = false
  /** Its statement is being described before it is bound (a JS array parameter: JSON or array?). */
  describing = false
  /** Parameter types from ParameterDescription when it runs unprepared (no statement to keep them). */
  describedTypes: number[] | undefined = undefined
  /** Column types to look up in the catalog before it settles (their values were read as text). */
  lookupTypes: number[] | undefined = undefined
  result: Result<any> = new Result()
  error: unknown = undefined
  /** Set by the connection while this execution is in its pipeline. */
  sent = false
  settled = false
  /** The abort reason once the caller's signal fired; the promise then rejects with QueryAbortedError. */
  aborted: unknown = undefined
  /** Send a CancelRequest when this execution reaches the head of the pipeline. */
  cancelWhenCurrent = false
  /** Its cached statement went stale (0A000 after DDL); it runs once more, freshly prepared. */
  retryStale = false
  /** It already ran once more after a stale or forgotten statement; it is not retried again. */
  retried = false

  constructor(
    text: string,
    params: readonly unknown[],
    parameterTypes: number[] | undefined,
    mode: number,
    origin: Error | undefined,
    hooks: QueryHooks | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.text = text
    this.params = params
    this.parameterTypes = parameterTypes
    this.mode = mode
    this.origin = origin
    this.hooks = hooks
    this.signal = signal
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    if (hooks !== undefined) {
      this.startedAt = performance.now()
      callHook(hooks.beforeQuery, { text, params })
    }
  }

  /** Key of the prepared-statement cache: the text, plus parameter types when they were given. */
  get cacheKey(): string {
    return this.parameterTypes === undefined ? this.text : `${this.text}\0${this.parameterTypes.join(',')}`
  }

  /** Clears what the connection filled in, to send it again. */
  reset(): void {
    this.statement = undefined
    this.parses = false
    this.binary = false
    this.columns = undefined
    this.decoders = undefined
    this.makeRow = undefined
    this.lookupTypes = undefined
    this.result = new Result()
    this.error = undefined
    this.retryStale = false
  }

  /** Records the first error; later ones in the same Sync segment are consequences of it. */
  fail(error: unknown): void {
    if (this.error === undefined) this.error = error
  }

  /** Fails it before it reached a connection. */
  failNow(error: unknown): void {
    this.fail(error)
    this.finish()
  }

  /** Settles the promise: with the result, or with the error re-pointed at the caller's stack. */
  finish(): void {
    if (this.settled) return
    this.settled = true
    const error =
      this.aborted === undefined ? this.error : new QueryAbortedError(this.aborted, this.error ?? this.aborted)
    if (this.hooks?.afterQuery !== undefined) {
      callHook(this.hooks.afterQuery, {
        text: this.text,
        params: this.params,
        durationMs: performance.now() - this.startedAt,
        rowCount: error === undefined ? this.result.count : 0,
        command: this.result.command,
        error: error as Error | undefined,
      })
    }
    if (error === undefined) this.resolve(this.results ?? this.result)
    else this.reject(this.decorate(error))
  }

  decorate(error: unknown): unknown {
    if (error instanceof PostgresError) {
      error.query = this.text
      // the server rejects a wrong parameter count with a protocol violation; name it as ours
      if (error.code === '08P01' && error.message.startsWith('bind message supplies')) {
        error = new ParameterError(0, `wrong number of parameters: ${error.message}`, { cause: error })
      }
    }
    if (error instanceof Error && this.origin?.stack !== undefined) {
      const frames = this.origin.stack.slice(this.origin.stack.indexOf('\n'))
      error.stack = `${error.name}: ${error.message}${frames}`
    }
    return error
  }
}

/** Calls a hook (or onNotice); one that throws becomes a process warning, never a failed query. */
export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return
  try {
    hook(event)
  } catch (error) {
    process.emitWarning(`@fasterapi/pg query hook threw: ${error instanceof Error ? error.message : String(error)}`)
  }
}
