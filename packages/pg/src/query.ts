// A query is lazy: it is compiled and sent when first awaited (or `.execute()`d), so it can also be
// nested into another template as a fragment. Queries awaited in the same turn share one socket write.
import { Readable } from 'node:stream'
import { type CopySource, copyIn, copyOut } from './copy.ts'
import { cursorBatches } from './cursor.ts'
import {
  COPY_MISUSE,
  INVALID_FRAGMENT,
  OptionError,
  ParameterError,
  PgDriverError,
  QueryAbortedError,
} from './errors.ts'
import { COPY_IN, COPY_OUT, Execution, OBJECTS, VALUES } from './internal/execution.ts'
import type { QueryHooks } from './options.ts'
import { Result } from './result.ts'
import { appendTemplate, type CompiledSql, finishTypes, SqlPart } from './sql.ts'
import { TypedValue } from './types/encode.ts'

/** Where executions go: a pool, a reserved connection or a transaction. */
export interface Runner {
  readonly hooks: QueryHooks | undefined
  dispatch(ex: Execution): void
  /** Runs `ex` on a connection no other query uses until it settles (a cursor's portal spans round trips). */
  dispatchExclusive(ex: Execution): void
}

interface TemplateInfo {
  /** The text when no value is a helper or fragment: then it depends only on the template. */
  text: string
  /** The template's own line (`\n    at fn (file:line:col)`), captured at its first use. */
  site: string
}

// keyed by the template strings array, which JavaScript keeps identical per call site
const templates = new WeakMap<readonly string[], TemplateInfo>()

export function templateInfo(strings: readonly string[], caller: Function): TemplateInfo {
  let info = templates.get(strings)
  if (info === undefined) {
    const origin: { stack?: string } = {}
    Error.captureStackTrace(origin, caller)
    const stack = origin.stack ?? ''
    const first = stack.indexOf('\n')
    const second = stack.indexOf('\n', first + 1)
    let text = strings[0]!
    for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]!}`
    info = { text, site: first === -1 ? '' : stack.slice(first, second === -1 ? undefined : second) }
    templates.set(strings, info)
  }
  return info
}

/**
 * A failed template query's stack: its template's line (cached per call site), then the frames of the
 * callers awaiting this very call. Those come from V8's async stack trace, read in a rejection handler
 * chained to the execution, so they cost nothing unless the query fails. Capturing a stack per call
 * instead measured about 2-11 µs per query on this machine (against 48 ns to build a query,
 * bench/stack.bench.ts); a stack cached per call site named the first caller's frames for every later one.
 */
function restack(error: unknown, site: string): never {
  if (error instanceof Error) {
    // in a promise reaction the synchronous frames below this one are the handler calling it and Node's
    // task queue; every other frame is an awaiting caller (matched by line: prepareStackTrace hooks such as
    // vitest's drop the 'async ' prefix)
    const here: { stack?: string } = {}
    Error.captureStackTrace(here, restack)
    let frames = ''
    const lines = (here.stack ?? '').split('\n')
    for (let i = 2; i < lines.length; i++) if (!lines[i]!.includes('node:internal/')) frames += `\n${lines[i]}`
    error.stack = `${error.name}: ${error.message}${site}${frames}`
  }
  throw error
}

export type Row = Record<string, unknown>

export class Query<T = Row> extends SqlPart implements PromiseLike<Result<T>> {
  readonly #runner: Runner
  readonly #strings: readonly string[] | undefined
  readonly #values: readonly unknown[]
  readonly #text: string | undefined
  readonly #origin: Error | undefined
  #mode = OBJECTS
  #simple = false
  #copy = 0
  #cursorSize = 0
  #signal: AbortSignal | undefined = undefined
  #promise: Promise<Result<T>> | undefined = undefined

  /** @internal use `sql\`...\`` or `sql.unsafe()` */
  constructor(
    runner: Runner,
    strings: readonly string[] | undefined,
    values: readonly unknown[],
    text: string | undefined,
    origin: Error | undefined,
  ) {
    super()
    this.#runner = runner
    this.#strings = strings
    this.#values = values
    this.#text = text
    this.#origin = origin
  }

  /** Rows as arrays in column order instead of objects. */
  values(): Query<unknown[]> {
    this.#mode = VALUES
    return this as unknown as Query<unknown[]>
  }

  /**
   * Sends the text with the simple query protocol, for several statements separated by `;` (migrations,
   * scripts): no parameters (a value would be a ParameterError), text results, one Result per statement.
   * Without BEGIN/COMMIT in the text, the statements run in one implicit transaction: all or none.
   * @example await sql`create table a (id int); create index on a (id)`.simple()
   */
  simple(): Promise<Result<T>[]> {
    this.#simple = true
    return this.execute() as unknown as Promise<Result<T>[]>
  }

  /**
   * Reads the rows in batches of `size` through a server-side portal: the next batch is fetched only when
   * the loop asks for it, so memory holds one batch. Leaving the loop early closes the portal. Run from
   * the pool, the cursor has a connection to itself; in a transaction, the transaction's other queries
   * wait until it ends.
   * @example for await (const rows of sql`select * from events`.cursor(1000)) for (const row of rows) handle(row)
   */
  cursor(size = 1000): AsyncIterableIterator<T[]> {
    if (!Number.isInteger(size) || size < 1 || size > 2147483647) {
      throw new OptionError(`cursor size must be an integer from 1 to 2147483647; got ${size}`)
    }
    this.#cursorSize = size
    const prepared = this.#prepare()
    if (!(prepared instanceof Execution)) {
      return (async function* fail(): AsyncGenerator<T[]> {
        throw await prepared.catch((error: unknown) => error)
      })()
    }
    const batches = cursorBatches<T>(prepared)
    this.#runner.dispatchExclusive(prepared)
    return batches
  }

  /**
   * Runs `COPY ... FROM STDIN` with the data from `source` (a Node Readable, an async generator, an array...
   * of Buffers or strings; pieces need not end at row boundaries), in whatever format the statement names:
   * text, CSV or binary. The next piece is read only once the socket has room. Resolves with the result
   * (`count`: rows copied). A bad row or a source that throws rolls the COPY back (the source's error is the
   * rejection) and the connection stays usable.
   * @example await sql`copy items (id, name) from stdin with (format csv)`.copyFrom(createReadStream('items.csv'))
   */
  copyFrom(source: CopySource): Promise<Result<T>> {
    if (
      source === null ||
      typeof source !== 'object' ||
      (!(Symbol.asyncIterator in source) && !(Symbol.iterator in source))
    ) {
      return Promise.reject(
        new ParameterError(
          0,
          'copyFrom() takes an iterable or async iterable of Buffers or strings (a Readable is one)',
        ),
      )
    }
    this.#copy = COPY_IN
    const prepared = this.#prepare()
    if (!(prepared instanceof Execution)) return prepared
    const released = copyIn(prepared, source)
    this.#runner.dispatchExclusive(prepared)
    // settles once the source is let go of too, so a caller never sees it still being read
    return prepared.promise.then(
      async (result: Result<T>) => {
        await released()
        if (!prepared.copying) {
          throw new PgDriverError(COPY_MISUSE, 'copyFrom() runs COPY ... FROM STDIN; this was not one')
        }
        return result
      },
      async (error: unknown) => {
        await released()
        throw error
      },
    )
  }

  /**
   * Runs `COPY ... TO STDOUT` and yields its data as it arrives, in Buffers of the statement's format: each
   * holds what arrived since the previous step (whole rows in text and CSV, which the server sends one per
   * message; pieces of the stream in binary). While the loop is behind, the socket is not read (the server waits). Leaving the loop early cancels the COPY.
   * @example for await (const chunk of sql`copy items to stdout with (format csv)`.copyTo()) out.write(chunk)
   */
  copyTo(): AsyncIterableIterator<Buffer> {
    this.#copy = COPY_OUT
    const prepared = this.#prepare()
    if (!(prepared instanceof Execution)) {
      return (async function* fail(): AsyncGenerator<Buffer> {
        throw await prepared.catch((error: unknown) => error)
      })()
    }
    const chunks = copyOut(prepared)
    this.#runner.dispatchExclusive(prepared)
    return chunks
  }

  /** `copyTo()` as a Node Readable, for `pipeline(sql\`copy ... to stdout\`.copyToStream(), file)`. */
  copyToStream(): Readable {
    return Readable.from(this.copyTo(), { objectMode: false })
  }

  /**
   * Calls `fn` with each row, reading them through a cursor (batches of `size`, 1000 by default); an `fn`
   * that returns a promise is awaited before the next row. Resolves with the command tag and row count.
   * @example const { count } = await sql`select * from big`.forEach((row) => write(row))
   */
  async forEach(fn: (row: T) => unknown, size = 1000): Promise<Result<T>> {
    let count = 0
    for await (const rows of this.cursor(size)) {
      for (const row of rows) {
        const out = fn(row)
        if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
          await out
        }
        count++
      }
    }
    const result = new Result<T>()
    result.command = 'SELECT'
    result.count = count
    return result
  }

  /** Aborts the query when `signal` aborts: dropped from the queue, or cancelled on the server (CancelRequest). */
  withSignal(signal: AbortSignal): this {
    this.#signal = signal
    return this
  }

  /** Sends the query (once) and returns its result. */
  execute(): Promise<Result<T>> {
    this.#promise ??= this.#start()
    return this.#promise
  }

  then<A = Result<T>, B = never>(
    onFulfilled?: ((value: Result<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.execute().then(onFulfilled, onRejected)
  }

  catch<B = never>(onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<Result<T> | B> {
    return this.execute().catch(onRejected)
  }

  finally(onFinally?: (() => void) | null): Promise<Result<T>> {
    return this.execute().finally(onFinally)
  }

  #start(): Promise<Result<T>> {
    const prepared = this.#prepare()
    if (!(prepared instanceof Execution)) return prepared
    this.#runner.dispatch(prepared)
    const site = this.#strings === undefined ? undefined : templates.get(this.#strings)!.site
    return site === undefined ? prepared.promise : prepared.promise.then(undefined, (error) => restack(error, site))
  }

  /** Compiles the text and parameters into an execution, or a rejection for what cannot be sent. */
  #prepare(): Execution | Promise<never> {
    const signal = this.#signal
    if (signal?.aborted) return Promise.reject(new QueryAbortedError(signal.reason))
    const strings = this.#strings
    let text: string
    let params: readonly unknown[]
    let types: number[] | undefined
    if (strings === undefined) {
      text = this.#text!
      params = this.#values
    } else {
      const info = templates.get(strings)!
      const values = this.#values
      let plain = true
      for (let i = 0; i < values.length; i++)
        if (values[i] instanceof SqlPart || values[i] instanceof TypedValue) plain = false
      if (plain) {
        text = info.text
        params = values
      } else {
        const out: CompiledSql = { text: '', params: [], types: undefined }
        appendTemplate(out, strings, values)
        finishTypes(out)
        text = out.text
        params = out.params
        types = out.types
      }
    }
    if ((this.#simple || this.#copy !== 0) && params.length > 0) {
      const what = this.#simple ? 'simple()' : 'COPY'
      return Promise.reject(
        new ParameterError(0, `${what} sends the text as it is and takes no parameters; interpolate no values`),
      )
    }
    const ex = new Execution(text, params, types, this.#mode, this.#origin, this.#runner.hooks, signal)
    if (this.#simple) ex.results = []
    ex.cursorSize = this.#cursorSize
    ex.copy = this.#copy
    return ex
  }

  /** Inlines this query into an enclosing template, renumbering its parameters. */
  appendTo(out: CompiledSql): void {
    if (this.#promise !== undefined) {
      throw new PgDriverError(INVALID_FRAGMENT, 'a query that was already executed cannot be nested')
    }
    if (this.#strings !== undefined) appendTemplate(out, this.#strings, this.#values)
    else if (this.#values.length === 0) out.text += this.#text!
    else throw new PgDriverError(INVALID_FRAGMENT, 'sql.unsafe() with parameters cannot be nested')
  }
}
