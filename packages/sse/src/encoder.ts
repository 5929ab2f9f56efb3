// The event-stream encoder (WHATWG HTML §9.2.5, "Parsing an event stream", read backwards): one
// `field: value` line per field, a blank line to dispatch. The client splits lines on CRLF, LF and
// lone CR, so a value may hold none of them; `data` is split into one `data:` line per line instead.
import { InvalidArgumentError, InvalidFieldError } from './errors.ts'

interface EventFields {
  /** Event type. The client dispatches events without one as "message". */
  event?: string
  /** Sets the client's last event ID (sent back as `Last-Event-ID` on reconnect). No CR, LF or NUL. */
  id?: string
  /** Reconnection delay hint in ms: a non-negative integer. */
  retry?: number
  /** A comment, ignored by clients (one `:` line per line). */
  comment?: string
}

/**
 * One server-sent event: text `data` (split on CRLF, CR and LF into several `data:` lines) or any
 * `json` value (serialised once with `JSON.stringify`), plus optional `event`, `id`, `retry`, `comment`.
 * @example
 * encodeEvent({ event: 'tick', json: { n: 1 }, id: '7' }) // 'event: tick\ndata: {"n":1}\nid: 7\n\n'
 */
export type SseEvent = EventFields & ({ data?: string; json?: never } | { json: unknown; data?: never })

// A value with a line break would end its line early and let the rest be read as another field.
function checkLine(field: string, value: string, rejectNul: boolean): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 10 /* LF */ || c === 13 /* CR */) throw new InvalidFieldError(field, 'must not contain CR or LF')
    // §9.2.6: "If the field value does not contain U+0000 NULL, then set the last event ID buffer"
    if (c === 0 /* NUL */ && rejectNul) throw new InvalidFieldError(field, 'must not contain NUL')
  }
  return value
}

// the last event type that passed checkLine: streams repeat a handful of types, so most events skip the scan
let checkedType = ''

function checkType(type: string): string {
  if (type !== checkedType) checkedType = checkLine('event', type, false)
  return type
}

const LINE_BREAK = /\r\n|\r|\n/

// 'a\r\nb' → 'data: a\ndata: b\n'. A trailing line break becomes an empty last line, which the
// client turns back into a trailing LF: data round-trips exactly (up to CRLF/CR → LF).
function dataLines(prefix: string, text: string): string {
  // fast path, most events: one line, no split and no array
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) return `${prefix}${text}\n`
  const lines = text.split(LINE_BREAK)
  let out = ''
  for (let i = 0; i < lines.length; i++) out += `${prefix}${lines[i]}\n`
  return out
}

/** The JSON text of `value`, one line; throws for values JSON cannot represent (undefined, functions). */
export function jsonData(value: unknown): string {
  const text = JSON.stringify(value)
  if (text === undefined) throw new InvalidArgumentError(`json data is not serialisable: ${typeof value}`)
  return text
}

/** The `data` of an event as it will reach the client: the text itself or its JSON. */
export function eventData(event: SseEvent): string | undefined {
  if (event.data !== undefined) return event.data
  return 'json' in event ? jsonData(event.json) : undefined
}

/**
 * Encodes one event as event-stream text, ending with the blank line that dispatches it.
 * Throws `InvalidFieldError` (`SSE_INVALID_FIELD`) for CR/LF in `event` or `id` and NUL in `id`.
 */
export function encodeEvent(event: SseEvent): string {
  return encodeWithData(event, eventData(event))
}

function encodeWithData(event: SseEvent, data: string | undefined): string {
  let out = event.comment === undefined ? '' : dataLines(':', event.comment)
  if (event.event !== undefined) out += `event: ${checkType(event.event)}\n`
  if (data !== undefined) {
    // invariant: JSON.stringify escapes CR and LF inside strings and emits no raw line break, so JSON is one line
    out += event.data === undefined ? `data: ${data}\n` : dataLines('data: ', data)
  }
  if (event.id !== undefined) out += `id: ${checkLine('id', event.id, true)}\n`
  if (event.retry !== undefined) out += `retry: ${checkRetry(event.retry)}\n`
  return `${out}\n`
}

/** A comment block (`:` lines and a blank line): clients ignore it; proxies see traffic. */
export function encodeComment(text = ''): string {
  return `${dataLines(':', text)}\n`
}

/** A block that only sets the client's reconnection delay. */
export function encodeRetry(ms: number): string {
  return `retry: ${checkRetry(ms)}\n\n`
}

function checkRetry(ms: number): number {
  // §9.2.6: the client ignores a retry value that is not only ASCII digits
  if (!Number.isSafeInteger(ms) || ms < 0) throw new InvalidArgumentError(`retry must be an integer >= 0, got ${ms}`)
  return ms
}

/**
 * An event encoded once, to write the same bytes to many clients (a broadcast) and to keep in a
 * channel's history. `data` is the text the client will see (JSON already serialised).
 */
export class EncodedEvent {
  readonly bytes: Buffer
  readonly id: string | undefined
  readonly event: string | undefined
  readonly data: string | undefined

  constructor(event: SseEvent) {
    const data = eventData(event)
    this.bytes = Buffer.from(encodeWithData(event, data))
    this.id = event.id
    this.event = event.event
    this.data = data
  }
}
