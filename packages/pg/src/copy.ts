// COPY with the data streamed both ways (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY).
// The statement goes with the simple protocol, alone on its connection: while the server is in copy mode it
// takes nothing but copy messages. The bytes are passed through untouched, so text, CSV and binary are all
// the statement's choice. Backpressure: COPY FROM STDIN waits for the socket to drain before reading the
// next chunk of the source; COPY TO STDOUT pauses reading the socket while the consumer is behind.
import type { Connection } from './connection.ts'
import { COPY_MISUSE, PgDriverError } from './errors.ts'
import { cancelExecution } from './internal/cancel.ts'
import type { Execution } from './internal/execution.ts'
import { sleepUntilWoken, watchSettlement } from './internal/settlement.ts'

/** What COPY FROM STDIN reads: a Node Readable, an async generator, an array... of Buffers, Uint8Arrays or strings. */
export type CopySource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>

// COPY TO STDOUT: the socket is paused once this many bytes wait for the consumer, resumed when it takes them
const HIGH_WATER = 1024 * 1024
// the first buffer for the next step's rows; it grows as needed
const PENDING_SIZE = 64 * 1024

// COPY FROM STDIN gives the event loop a turn after this many bytes sent without waiting for 'drain'
const YIELD_EVERY = 256 * 1024

/**
 * Arms `ex` to send `source` once the server asks for the data (CopyInResponse). The returned function
 * resolves once the source is let go of (finished, failed, or closed after the server refused the data),
 * at once if the server never asked.
 */
export function copyIn(ex: Execution, source: CopySource): () => Promise<void> {
  let pumping: Promise<void> | undefined
  ex.onCopyIn = (connection) => {
    pumping = pump(connection, ex, source)
  }
  return () => pumping ?? Promise.resolve()
}

async function pump(connection: Connection, ex: Execution, source: CopySource): Promise<void> {
  let sinceYield = 0
  try {
    for await (const chunk of source) {
      // the server refused the data (a bad row) or the session is gone: stop reading the source (break → return())
      if (ex.error !== undefined || ex.settled || connection.closed) return
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw new PgDriverError(
          COPY_MISUSE,
          `a COPY source must yield Buffers, Uint8Arrays or strings; got ${typeof chunk}`,
        )
      }
      if (chunk.length === 0) continue
      if (!connection.copyData(chunk)) {
        await connection.drained()
        sinceYield = 0
      } else if ((sinceYield += chunk.length) >= YIELD_EVERY) {
        // the kernel takes everything while the server keeps up, and an async generator resolves in
        // microtasks: without a turn of the event loop the server's ErrorResponse (a bad row) is never read
        await new Promise(setImmediate)
        sinceYield = 0
      }
    }
    if (ex.error === undefined) connection.copyDone()
  } catch (error) {
    // the source failed: CopyFail rolls the COPY back; the caller gets the source's error, not the server's echo
    ex.fail(error)
    connection.copyFail(`the COPY source failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * Arms `ex` to hand COPY TO STDOUT's data to the returned iterator, then settles with the command's end.
 * Leaving the loop early cancels the COPY (CancelRequest) and drops the rest.
 */
export function copyOut(ex: Execution): AsyncIterableIterator<Buffer> {
  const state = watchSettlement(ex)
  // the rows that arrived since the consumer's last step, copied into one buffer: a CopyData is usually one
  // row, and a Buffer object per row (plus a loop step each) measured slower than copying the bytes
  let pending = Buffer.allocUnsafe(PENDING_SIZE)
  let queued = 0
  let paused: Connection | undefined
  // invariant: the socket is paused exactly while `paused` is set, i.e. from `queued` reaching HIGH_WATER
  // until the consumer takes what waits
  ex.onCopyData = (buf, start, end) => {
    const length = end - start
    if (queued + length > pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(pending.length * 2, queued + length))
      pending.copy(grown, 0, 0, queued)
      pending = grown
    }
    const at = queued
    // short rows: a loop beats the native call (measured 84 against 152 ns for 22 bytes)
    if (length < 64) for (let i = 0; i < length; i++) pending[at + i] = buf[start + i]!
    else buf.copy(pending, at, start, end)
    queued = at + length
    if (queued >= HIGH_WATER && paused === undefined && ex.connection !== undefined) {
      paused = ex.connection
      paused.socket.pause()
    }
    // the loop sleeps only on an empty queue: wake it for the first bytes, not for every row
    if (at === 0) state.wake?.()
  }
  const resume = (): void => {
    paused?.socket.resume()
    paused = undefined
  }
  async function* iterate(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        if (queued > 0) {
          const chunk = pending.subarray(0, queued)
          pending = Buffer.allocUnsafe(PENDING_SIZE)
          queued = 0
          resume()
          yield chunk
          continue
        }
        if (state.settled) {
          if (state.failure !== undefined) throw state.failure
          if (!ex.copying) throw new PgDriverError(COPY_MISUSE, 'copyTo() runs COPY ... TO STDOUT; this was not one')
          return
        }
        await sleepUntilWoken(state)
      }
    } finally {
      if (!state.settled) {
        // left early: drop the rest, cancel the COPY and wait until the connection is free again
        ex.onCopyData = undefined
        ex.copyAbandoned = true
        queued = 0
        resume()
        if (ex.connection !== undefined) cancelExecution(ex.connection, ex, 'the COPY consumer left early')
        await ex.promise.catch(() => undefined)
      }
    }
  }
  return iterate()
}
