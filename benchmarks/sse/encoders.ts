// One adapter per encoder behind one interface: `encode` is what gets timed, `output()` returns the
// text its last call produced (read outside any timing, for impl.test.ts).
import { encodeEvent } from '@fasterapi/sse'
import { EventBuffer } from 'better-sse'
import { SSEStreamingApi } from 'hono/streaming'
import type { Fixture } from './input.ts'

export interface EncodeAdapter {
  readonly name: string
  /** Byte-identical to the others (true) or only equal once parsed (false: a different field layout). */
  readonly sameLayout: boolean
  /** `encode` returns a Promise that must be awaited (Hono). */
  readonly async?: boolean
  encode(event: Fixture): unknown
  output(): string
}

function fasterapi(): EncodeAdapter {
  let last = ''
  return {
    name: '@fasterapi/sse',
    sameLayout: true,
    encode: (e) => (last = encodeEvent({ event: e.event, json: e.json, id: e.id })),
    output: () => last,
  }
}

// the floor: string concatenation with no validation and no line splitting (safe here only
// because JSON.stringify emits one line and the fixture's event and id hold no line break)
function handWritten(): EncodeAdapter {
  let last = ''
  return {
    name: 'hand-written',
    sameLayout: true,
    encode: (e) => (last = `event: ${e.event}\ndata: ${JSON.stringify(e.json)}\nid: ${e.id}\n\n`),
    output: () => last,
  }
}

// better-sse's EventBuffer is what Session.push uses: event, id, data (JSON.stringify), dispatch.
// Its layout is `field:value` (no space) with id before data: same events, other bytes.
function betterSse(): EncodeAdapter {
  const buffer = new EventBuffer()
  let last = ''
  return {
    name: 'better-sse',
    sameLayout: false,
    encode: (e) => {
      buffer.push(e.json, e.event, e.id)
      last = buffer.read()
      buffer.clear()
      return last
    },
    output: () => last,
  }
}

// Hono's helper encodes inside SSEStreamingApi.writeSSE (async, then TextEncoder into a WritableStream):
// that is the only way to use it, so it is timed whole, into a sink that keeps the last chunk.
function hono(): EncodeAdapter {
  let last: Uint8Array = new Uint8Array()
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      last = chunk
    },
  })
  const api = new SSEStreamingApi(sink, new ReadableStream())
  return {
    name: 'hono streamSSE',
    sameLayout: true,
    async: true,
    encode: (e) => api.writeSSE({ event: e.event, data: JSON.stringify(e.json), id: e.id }),
    output: () => new TextDecoder().decode(last),
  }
}

export const ENCODERS: readonly EncodeAdapter[] = [fasterapi(), handWritten(), betterSse(), hono()]
