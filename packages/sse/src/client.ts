// A typed client for tests and for services that consume event streams: fetch (undici) plus the
// spec-exact parser. It does not reconnect; pass `lastEventId` to resume where a previous read stopped.
import { BadResponseError } from './errors.ts'
import { type ParsedEvent, readEventStream } from './parser.ts'

export interface EventStreamRequest {
  /** Sent as `Last-Event-ID`, the header an `EventSource` sends when it reconnects. */
  lastEventId?: string
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** Event types mapped to the JSON their data holds. */
export type EventMap = Record<string, unknown>

/** One event of a JSON stream, narrowed by its `type`. */
export type JsonEvent<M extends EventMap> = {
  [K in keyof M & string]: { readonly type: K; readonly data: M[K]; readonly lastEventId: string }
}[keyof M & string]

async function openBody(url: string | URL, options: EventStreamRequest): Promise<ReadableStream<Uint8Array>> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers }
  // header values are byte strings: send the id's UTF-8 bytes, as EventSource does (§9.2.4)
  if (options.lastEventId !== undefined) headers['last-event-id'] = Buffer.from(options.lastEventId).toString('latin1')
  const init: RequestInit = { headers, cache: 'no-store' }
  if (options.signal !== undefined) init.signal = options.signal
  const response = await fetch(url, init)
  const type = response.headers.get('content-type')
  // WHATWG HTML §9.2.3: anything but a 200 with Content-Type text/event-stream "fails the connection"
  if (response.status !== 200 || type === null || type.split(';')[0]!.trim().toLowerCase() !== 'text/event-stream') {
    await response.body?.cancel()
    throw new BadResponseError(response.status, type)
  }
  return response.body!
}

/**
 * Reads the events of `url` as they arrive. Break out of the loop (or abort `signal`) to disconnect.
 * Throws `BadResponseError` (`SSE_BAD_RESPONSE`) for a response that is not an event stream.
 * @example
 * for await (const e of fetchEventStream('http://localhost:3000/events')) console.log(e.type, e.data)
 */
export async function* fetchEventStream(
  url: string | URL,
  options: EventStreamRequest = {},
): AsyncGenerator<ParsedEvent, void, undefined> {
  const body = await openBody(url, options)
  const parse = readEventStream(body, options.lastEventId === undefined ? {} : { lastEventId: options.lastEventId })
  try {
    yield* parse
  } finally {
    await body.cancel().catch(() => {})
  }
}

/**
 * Like `fetchEventStream`, with each event's data parsed as JSON and typed by its event type.
 * @example
 * type Events = { tick: { n: number }; done: null }
 * for await (const e of fetchJsonEventStream<Events>(url)) if (e.type === 'tick') e.data.n
 */
export async function* fetchJsonEventStream<M extends EventMap>(
  url: string | URL,
  options: EventStreamRequest = {},
): AsyncGenerator<JsonEvent<M>, void, undefined> {
  for await (const event of fetchEventStream(url, options)) {
    yield { type: event.type, data: JSON.parse(event.data), lastEventId: event.lastEventId } as JsonEvent<M>
  }
}
