// Server-Sent Events as a route kind on @fasterapi/sse: the request is validated and its dependencies
// resolved like any route (same dispatch, same middleware), then the answer takes the exchange over and
// hands its event sink to an SseSession (keep-alives on the shared timer wheel, bounded queue,
// Last-Event-ID). Any exchange with a sink serves it: node:http, node:http2 and `app.inject()`.
// Never compressed: an event must reach the client when it is sent.
import { EVENT_STREAM_HEADERS, type EventProducer, pipeEvents, type SessionOptions, SseSession } from '@fasterapi/sse'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { TakeOverResponse } from './internal/take-over.ts'
import { Response } from './response.ts'
import { argsObject, type HandlerArgs, type RouteConfig } from './route.ts'

/** An event-stream route's handler: send on `sse`, or return an (async) iterable of events. */
export type EventStreamHandler<P extends string, C extends RouteConfig> = (
  args: HandlerArgs<P, C> & { sse: SseSession },
) => unknown

export interface EventStreamHooks {
  track(session: SseSession): void
  failed(error: unknown): void
}

/** The route handler of `app.sse(path, config, handler)`. */
export function eventStreamRoute(
  options: SessionOptions,
  handler: EventStreamHandler<string, RouteConfig>,
  hooks: EventStreamHooks,
): (args: HandlerArgs<string, RouteConfig>) => Response {
  return (args) => {
    // HEAD is served by GET: the event-stream headers, no stream and no handler (RFC 9110 §9.3.2)
    if (args.request.method === 'HEAD') return new Response(null, { headers: { ...EVENT_STREAM_HEADERS } })
    return new TakeOverResponse((ex) =>
      openEventStream(
        ex,
        options,
        (sse) => handler({ ...argsObject(args as never), sse, signal: sse.signal } as never),
        hooks,
      ),
    )
  }
}

/** Opens an SSE session on the exchange's event sink and feeds it from what the handler returns. */
export function openEventStream(
  ex: Exchange,
  options: SessionOptions,
  run: (session: SseSession) => unknown,
  hooks: EventStreamHooks,
): void {
  const sink = ex.eventSink?.()
  if (sink === undefined) throw new HTTPException(501, 'This transport cannot carry an event stream')
  const session = new SseSession({ headers: ex.headers }, sink, options)
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
