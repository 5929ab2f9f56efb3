// One transaction per request on a connection of its own: BEGIN when the dependency resolves, COMMIT once the
// handler has returned and before the response is written (so a failed COMMIT still reaches the client as an
// error), ROLLBACK when anything failed. The connection is released in every case: the generator's cleanup runs
// after the response whatever happened, and rolls back a transaction nobody finished.
import { Future } from '@fasterapi/futures'
import { HTTPException, type Middleware, type RequestContext } from '@fasterapi/http'
import { PostgresError, type ReservedSql, type Sql, type TransactionSql } from '@fasterapi/pg'
import { withSignal } from './request-sql.ts'

/** The `tx` a request sees: queries on the transaction's connection, stopped when the request is. */
export type RequestTransaction = TransactionSql

interface Open {
  session: ReservedSql
  state: 'open' | 'committed' | 'rolled back'
}

const OPEN = new WeakMap<RequestContext, Open>()

export async function* openTransaction(pool: Sql, request: RequestContext): AsyncGenerator<RequestTransaction> {
  const session = await pool.reserve()
  const open: Open = { session, state: 'open' }
  try {
    await session.unsafe('begin').withSignal(request.signal)
    OPEN.set(request, open)
    yield withSignal(session, request.signal)
  } finally {
    OPEN.delete(request)
    if (open.state === 'open') await rollback(open)
    session.release()
  }
}

// invariant: a request without a transaction passes through untouched, synchronously when its route is synchronous
export const commitOnExit: Middleware = (ctx, next) => {
  const done = next()
  if (done.state !== 'pending' && !OPEN.has(ctx)) return done
  return done.then(
    () => finish(ctx),
    async (error: unknown) => {
      const open = OPEN.get(ctx)
      if (open?.state === 'open') await rollback(open)
      throw error
    },
  )
}

function finish(ctx: RequestContext): void | Future<void> {
  const open = OPEN.get(ctx)
  if (open === undefined || open.state !== 'open') return
  open.state = 'committed'
  return Future.from(open.session.unsafe('commit').execute()).then(
    (result) => {
      // COMMIT of a transaction in which a statement failed (and the error was caught) answers ROLLBACK
      if (result.command === 'ROLLBACK') {
        open.state = 'rolled back'
        throw new HTTPException(409, 'The transaction was rolled back: one of its statements failed')
      }
    },
    (error: unknown) => {
      open.state = 'rolled back'
      throw commitFailure(error)
    },
  )
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

async function rollback(open: Open): Promise<void> {
  open.state = 'rolled back'
  await open.session.unsafe('rollback').catch(() => undefined)
}
