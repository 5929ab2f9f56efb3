// The async-iterator producer form: events come from a `for await` source, each waits for the
// session's queue policy, and the source is abandoned as soon as the client goes away.
import type { SseEvent } from './encoder.ts'
import type { EventStreamResponse } from './internal/response.ts'
import { createSession, type RequestLike, type SessionOptions, type SseSession } from './session.ts'

/** A source of events, or a function of the session's signal that returns one (to stop upstream work on disconnect). */
export type EventProducer =
  | AsyncIterable<SseEvent>
  | Iterable<SseEvent>
  | ((signal: AbortSignal) => AsyncIterable<SseEvent> | Iterable<SseEvent>)

const DONE: unique symbol = Symbol('closed')

/**
 * Sends every event of `source` to `session`, waiting whenever `send()` waits. Resolves when the
 * source ends (then closes the session unless `close: false`) or when the session closes (then
 * calls the source's `return()`). Rejects with the source's error after closing the session.
 */
export async function pipeEvents(
  session: SseSession,
  source: EventProducer,
  options: { close?: boolean } = {},
): Promise<void> {
  const iterable = typeof source === 'function' ? source(session.signal) : source
  const iterator =
    Symbol.asyncIterator in iterable
      ? (iterable as AsyncIterable<SseEvent>)[Symbol.asyncIterator]()
      : (iterable as Iterable<SseEvent>)[Symbol.iterator]()
  const closed = session.closed.then((): typeof DONE => DONE)
  let finished = false
  try {
    while (!session.isClosed) {
      const step: IteratorResult<SseEvent> | typeof DONE = await Promise.race([iterator.next(), closed])
      if (step === DONE) break
      if (step.done === true) {
        finished = true
        break
      }
      const sent = session.send(step.value)
      // stay synchronous while the socket keeps up; only a waiting queue costs an await
      if (!sent.isReady && (await sent) === false) break
    }
  } catch (error) {
    finished = true
    session.close()
    throw error
  } finally {
    // a source still inside next() gets return() queued behind it; do not wait for that
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {})
  }
  if (options.close !== false) session.close()
}

/**
 * Starts a session on `res` and streams `source` into it: the whole producer form in one call.
 * @example
 * http.createServer((req, res) =>
 *   streamEvents(req, res, async function* (signal) {
 *     for await (const job of jobs.watch({ signal })) yield { event: 'progress', json: job }
 *   }),
 * )
 */
export function streamEvents(
  req: RequestLike,
  res: EventStreamResponse,
  source: EventProducer,
  options?: SessionOptions,
): Promise<void> {
  return pipeEvents(createSession(req, res, options), source)
}
