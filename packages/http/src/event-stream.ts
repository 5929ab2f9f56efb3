// Server-Sent Events routes on @fasterapi/sse: the request is validated and its dependencies resolved like
// any route, then the response is handed to an SseSession (keep-alives on the shared timer wheel, bounded
// queue, Last-Event-ID). Never compressed: an event must reach the client when it is sent.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import { type EventProducer, pipeEvents, type SessionOptions, SseSession } from '@fasterapi/sse'
import { HTTPException } from './errors.ts'
import { type Exchange, NodeExchange } from './exchange.ts'
import { Response } from './response.ts'

/** A response that takes the raw connection over instead of being written as a whole. */
export class TakeOverResponse extends Response {
  readonly take: (ex: Exchange) => void
  constructor(take: (ex: Exchange) => void) {
    super(null, { status: 200 })
    this.take = take
  }
}

export interface EventStreamHooks {
  track(session: SseSession): void
  failed(error: unknown): void
}

/** Opens an SSE session on the exchange and feeds it from what the handler returns. */
export function openEventStream(
  ex: Exchange,
  options: SessionOptions,
  run: (session: SseSession) => unknown,
  hooks: EventStreamHooks,
): void {
  if (!(ex instanceof NodeExchange)) {
    throw new HTTPException(501, 'Event streams need a connection: use listen() or TestClient, not inject()')
  }
  const session = new SseSession(
    ex.req as IncomingMessage | Http2ServerRequest,
    ex.res as ServerResponse | Http2ServerResponse,
    options,
  )
  hooks.track(session)
  let result: unknown
  try {
    result = run(session)
  } catch (error) {
    hooks.failed(error)
    session.close()
    return
  }
  const source = isProducer(result) ? pipeEvents(session, result) : Promise.resolve(result)
  source.catch((error: unknown) => {
    hooks.failed(error)
    session.close()
  })
}

function isProducer(value: unknown): value is EventProducer {
  return value !== null && typeof value === 'object' && (Symbol.asyncIterator in value || Symbol.iterator in value)
}
