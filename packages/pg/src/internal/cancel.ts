// AbortSignal → CancelRequest (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS).
// The server cancels whatever the session is running, so the request is sent only while the aborted
// execution is the one running: at once if it heads the pipeline, else when it gets there. A query that
// completes just as the cancel arrives still rejects: the caller said it no longer wants the answer.
import { serialize } from 'pg-protocol'
import type { Connection } from '../connection.ts'
import type { Execution } from './execution.ts'
import { openSocket } from './open-socket.ts'

export function watchAbort(connection: Connection, ex: Execution): void {
  const signal = ex.signal!
  if (signal.aborted) {
    cancelExecution(connection, ex, signal.reason)
    return
  }
  const onAbort = (): void => cancelExecution(connection, ex, signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  const remove = (): void => signal.removeEventListener('abort', onAbort)
  ex.promise.then(remove, remove)
}

export function cancelExecution(connection: Connection, ex: Execution, reason: unknown): void {
  if (ex.settled || ex.aborted !== undefined) return
  ex.aborted = reason ?? new Error('aborted')
  if (connection.current === ex) startCancelling(connection, ex)
  else ex.cancelWhenCurrent = true
}

// the server drops a cancel that lands while the backend waits for the next message (between Parse and
// Execute), so the request is repeated until the execution ends
const CANCEL_RETRY_MS = 250
const CANCEL_ATTEMPTS = 20

/** Sends CancelRequest for `ex`, the execution now running, and repeats it while `ex` keeps running. */
export function startCancelling(connection: Connection, ex: Execution): void {
  sendCancelRequest(connection)
  let attempts = 1
  const timer = setInterval(() => {
    if (ex.settled || connection.closed || connection.current !== ex || attempts++ >= CANCEL_ATTEMPTS) {
      clearInterval(timer)
      return
    }
    sendCancelRequest(connection)
  }, CANCEL_RETRY_MS)
  timer.unref()
}

/** Opens a second socket to the server and sends CancelRequest with the session's key. */
export function sendCancelRequest(connection: Connection): void {
  const { processId, secretKey } = connection
  openSocket({ ...connection.options, connectTimeout: 5_000 }).then(
    (socket) => {
      socket.on('error', () => undefined)
      socket.end(serialize.cancel(processId, secretKey))
    },
    // cancellation is best effort: the query still ends and its execution still rejects
    () => undefined,
  )
}
