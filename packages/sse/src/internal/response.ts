// One shape over the three kinds of response an event stream can be written to: node:http's
// ServerResponse, node:http2's compatibility Http2ServerResponse, and a raw ServerHttp2Stream.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Http2ServerResponse, ServerHttp2Stream } from 'node:http2'

/** Any response an event stream can be written to. */
export type EventStreamResponse = ServerResponse | Http2ServerResponse | ServerHttp2Stream

// RFC 9110 §8.3 media type from WHATWG HTML §9.2.7; `no-transform` keeps compressing proxies from
// buffering (RFC 9111 §5.2.2.6); `X-Accel-Buffering: no` does the same for nginx. No `Connection`
// header: it is implied on HTTP/1.1 and forbidden on HTTP/2 (RFC 9113 §8.2.2).
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
}

/** What a session uses of any of them (the union's overloads do not combine, so it is named once here). */
export interface ResponseStream {
  write(chunk: Buffer | string): boolean
  end(chunk?: string): unknown
  destroy(): unknown
  on(event: 'close' | 'drain' | 'error', listener: () => void): unknown
  once(event: 'drain', listener: () => void): unknown
  off(event: 'close' | 'drain' | 'error', listener: () => void): unknown
  readonly destroyed?: boolean
  readonly writableEnded: boolean
  readonly writableLength: number
}

export function asResponseStream(res: EventStreamResponse): ResponseStream {
  return res as unknown as ResponseStream
}

export function isHttp2Stream(res: EventStreamResponse): res is ServerHttp2Stream {
  return typeof (res as ServerHttp2Stream).respond === 'function'
}

/** Sends status 200 and the event-stream headers (plus `extra`). */
export function openResponse(res: EventStreamResponse, extra: OutgoingHttpHeaders | undefined): void {
  const headers = extra === undefined ? { ...EVENT_STREAM_HEADERS } : { ...EVENT_STREAM_HEADERS, ...extra }
  if (isHttp2Stream(res)) res.respond({ ':status': 200, ...headers })
  else (res as ServerResponse).writeHead(200, headers)
}

/** True when the response can no longer carry bytes to the client. */
export function isResponseGone(res: ResponseStream): boolean {
  return res.destroyed === true || res.writableEnded === true
}

const NON_ASCII = /[\u0080-\uffff]/

// §9.2.4: the client sends Last-Event-ID "encoded as UTF-8"; node hands header values over as latin1
// (one char per byte), so an id like 'é' arrives as 'Ã©' unless it is decoded again
export function decodeHeaderUtf8(value: string): string {
  return NON_ASCII.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value
}
