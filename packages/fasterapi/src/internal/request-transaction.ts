// One transaction per request on a connection of its own, as a dependency with http's 'function' scope: BEGIN
// when the dependency resolves; its exit runs after the handler returns and before the response is written, so
// COMMIT happens there and a failed COMMIT reaches the client as an error, never as the handler's 2xx. An error
// from the handler is thrown in at the `yield` and rolls back. The connection is released in every case, before
// the response goes out.
import type { RequestContext } from '@fasterapi/http'
import { HTTPException } from '@fasterapi/http'
import { PostgresError, type ReservedSql, type Sql, type TransactionSql } from '@fasterapi/pg'
import { withSignal } from './request-sql.ts'

/** The `tx` a request sees: queries on the transaction's connection, stopped when the request is. */
export type RequestTransaction = TransactionSql

export async function* openTransaction(pool: Sql, request: RequestContext): AsyncGenerator<RequestTransaction> {
  const session = await pool.reserve()
  let open = false
  try {
    await session.unsafe('begin').withSignal(request.signal)
    open = true
    yield withSignal(session, request.signal)
    open = false
    await commit(session)
  } finally {
    // the handler (or a later dependency) failed, or the client left: nothing of this request is kept
    if (open) await session.unsafe('rollback').catch(() => undefined)
    session.release()
  }
}

async function commit(session: ReservedSql): Promise<void> {
  let command: string
  try {
    command = (await session.unsafe('commit').execute()).command
  } catch (error) {
    throw commitFailure(error)
  }
  // COMMIT of a transaction in which a statement failed (and the error was caught) answers ROLLBACK
  if (command === 'ROLLBACK')
    throw new HTTPException(409, 'The transaction was rolled back: one of its statements failed')
}

// Class 40 (serialization failure, deadlock) and class 23 (a deferred constraint checked at COMMIT) are the
// client's to retry or fix: 409. Anything else (a connection lost mid-COMMIT) stays a server error.
function commitFailure(error: unknown): unknown {
  if (error instanceof PostgresError && (error.code.startsWith('40') || error.code.startsWith('23'))) {
    const retry = error.code.startsWith('40')
    return new HTTPException(
      409,
      retry
        ? 'The transaction conflicted with another one; retry it'
        : `The transaction broke a constraint: ${error.constraint ?? error.code}`,
      retry ? { 'retry-after': '0' } : undefined,
      { cause: error },
    )
  }
  return error
}
