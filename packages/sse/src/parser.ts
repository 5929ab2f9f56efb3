// The client side of the protocol, exact to WHATWG HTML §9.2.5 "Parsing an event stream" and §9.2.6
// "Interpreting an event stream": UTF-8 with one leading BOM stripped, lines ended by CRLF, LF or a
// lone CR (a CR at a chunk's end waits for the next chunk to see whether LF follows), fields
// processed in order, a blank line dispatches, and an event still pending at the end is dropped.

/** One dispatched event, as `EventSource` would hand it to a `MessageEvent` listener. */
export interface ParsedEvent {
  /** The `event` field, or "message". */
  readonly type: string
  /** The `data` lines joined with LF. */
  readonly data: string
  /** The last event ID at dispatch (it persists across events until an `id` field changes it). */
  readonly lastEventId: string
}

export interface ParserHandlers {
  onEvent(event: ParsedEvent): void
  /** A valid `retry` field: the new reconnection time in ms. */
  onRetry?(ms: number): void
  /** A comment line, without its leading ':'. */
  onComment?(text: string): void
}

const BOM = 0xfeff
const DIGITS = /^[0-9]+$/

export class EventStreamParser {
  readonly #handlers: ParserHandlers
  readonly #decoder = new TextDecoder('utf-8') // strips one leading BOM itself (the "UTF-8 decode" algorithm)
  #started = false
  #afterCR = false // the previous chunk ended with CR: a leading LF belongs to that line break
  #partial = ''
  #data = '' // the data buffer
  #type = '' // the event type buffer
  #idBuffer = '' // the last event ID buffer
  #lastEventId = ''
  #reconnectionTime: number | undefined = undefined

  constructor(handlers: ParserHandlers, options: { lastEventId?: string } = {}) {
    this.#handlers = handlers
    this.#idBuffer = this.#lastEventId = options.lastEventId ?? ''
  }

  /** The last event ID string: what a reconnecting client sends as `Last-Event-ID`. */
  get lastEventId(): string {
    return this.#lastEventId
  }

  /** The reconnection time set by the latest valid `retry` field, if any. */
  get reconnectionTime(): number | undefined {
    return this.#reconnectionTime
  }

  /** Feeds bytes (decoded as a UTF-8 stream, split anywhere) or already-decoded text. */
  feed(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true })
    if (text.length === 0) return
    if (!this.#started) {
      this.#started = true
      if (typeof chunk === 'string' && text.charCodeAt(0) === BOM) text = text.slice(1)
    }
    let start = 0
    if (this.#afterCR) {
      this.#afterCR = false
      if (text.charCodeAt(0) === 10 /* LF */) start = 1
    }
    const n = text.length
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i)
      if (c !== 10 /* LF */ && c !== 13 /* CR */) continue
      const line = this.#partial === '' ? text.slice(start, i) : this.#partial + text.slice(start, i)
      this.#partial = ''
      if (c === 13 /* CR */) {
        if (i + 1 === n) this.#afterCR = true
        else if (text.charCodeAt(i + 1) === 10 /* LF */) i++
      }
      start = i + 1
      this.#line(line)
    }
    if (start < n) this.#partial += text.slice(start)
  }

  /** The stream ended: "any pending data must be discarded" (§9.2.6), so a last event without its blank line is dropped. */
  end(): void {
    this.#decoder.decode()
    this.#partial = ''
    this.#data = ''
    this.#type = ''
    this.#afterCR = false
    this.#started = false
  }

  #line(line: string): void {
    if (line.length === 0) {
      this.#dispatch()
      return
    }
    const colon = line.indexOf(':')
    if (colon === 0) {
      this.#handlers.onComment?.(line.slice(1))
      return
    }
    let field = line
    let value = ''
    if (colon > 0) {
      field = line.slice(0, colon)
      // "If value starts with a U+0020 SPACE character, remove it from value."
      value = line.slice(line.charCodeAt(colon + 1) === 32 /* ' ' */ ? colon + 2 : colon + 1)
    }
    switch (field) {
      case 'event':
        this.#type = value
        break
      case 'data':
        this.#data += `${value}\n`
        break
      case 'id':
        // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value."
        if (!value.includes('\0')) this.#idBuffer = value
        break
      case 'retry':
        // "If the field value consists of only ASCII digits, then interpret [it] as an integer in base ten"
        if (DIGITS.test(value)) {
          this.#reconnectionTime = Number.parseInt(value, 10)
          this.#handlers.onRetry?.(this.#reconnectionTime)
        }
        break
      // "Otherwise: The field is ignored."
    }
  }

  // §9.2.6 "dispatch the event", steps 1–7
  #dispatch(): void {
    this.#lastEventId = this.#idBuffer
    if (this.#data === '') {
      this.#type = ''
      return
    }
    const data = this.#data.slice(0, -1) // the data buffer always ends with the LF its last line added
    const type = this.#type === '' ? 'message' : this.#type
    this.#data = ''
    this.#type = ''
    this.#handlers.onEvent({ type, data, lastEventId: this.#lastEventId })
  }
}

/** Parses a complete event-stream text (or byte array) into its events. */
export function parseEventStream(input: string | Uint8Array): ParsedEvent[] {
  const events: ParsedEvent[] = []
  const parser = new EventStreamParser({ onEvent: (e) => events.push(e) })
  parser.feed(input)
  parser.end()
  return events
}

/** Reads events from a byte or text stream (a fetch body, an http2 stream, a socket) as they complete. */
export async function* readEventStream(
  source: AsyncIterable<Uint8Array | string>,
  options: { lastEventId?: string } = {},
): AsyncGenerator<ParsedEvent, void, undefined> {
  const ready: ParsedEvent[] = []
  const parser = new EventStreamParser({ onEvent: (e) => ready.push(e) }, options)
  for await (const chunk of source) {
    parser.feed(chunk)
    while (ready.length > 0) yield ready.shift()!
  }
  parser.end()
}
