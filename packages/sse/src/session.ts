// One client's event stream. Writes go straight to the response while the socket keeps up; once
// `write()` returns false the rest waits in a bounded outbox until 'drain', and the queue policy
// decides what happens when the client falls further behind. Keep-alive comments ride one timer of
// the shared timer wheel per interval, for every session of the process (internal/keep-alive.ts).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http'
import { defaultReactor, Future, type FutureWithResolvers, type TimerWheel } from '@fasterapi/futures'
import { type EncodedEvent, encodeComment, encodeEvent, encodeRetry, type SseEvent } from './encoder.ts'
import {
  ClientStalledError,
  InvalidArgumentError,
  QueueFullError,
  SessionClosedError,
  type SseError,
  stackless,
} from './errors.ts'
import { type KeepAliveGroup, keepAliveGroup } from './internal/keep-alive.ts'
import { chunkSize, Outbox } from './internal/outbox.ts'
import {
  asResponseStream,
  decodeHeaderUtf8,
  type EventStreamResponse,
  isHttp2Stream,
  isResponseGone,
  openResponse,
  type ResponseStream,
} from './internal/response.ts'

/**
 * What happens when a client reads slower than events arrive and the outbox holds `maxQueueBytes`:
 * - `'wait'`: `send()` returns a pending Future until the outbox drains below the limit; a producer that
 *   does not wait (a broadcast) and reaches twice the limit closes the session;
 * - `'drop-oldest'`: the oldest queued events are dropped (counted in `session.dropped`);
 * - `'close'`: the session closes with `QueueFullError`; an `EventSource` reconnects with
 *   `Last-Event-ID` and a channel replays what it missed.
 */
export type QueuePolicy = 'wait' | 'drop-oldest' | 'close'

export interface SessionOptions {
  /** Interval of keep-alive comments in ms; `0` turns them off. @default 15000 */
  keepAliveMs?: number
  /** Reconnection delay hint sent with the first bytes, in ms. @default undefined (the client's own) */
  retry?: number
  /** Bytes queued for a slow client before `queuePolicy` applies. @default 262144 */
  maxQueueBytes?: number
  /** @default 'close' */
  queuePolicy?: QueuePolicy
  /** Extra response headers. */
  headers?: OutgoingHttpHeaders
  /** The timer wheel for keep-alives. @default defaultReactor().timers */
  timers?: TimerWheel
}

/** Anything with request headers: an IncomingMessage, an Http2ServerRequest, or `{ headers }` of an http2 stream. */
export interface RequestLike {
  readonly headers: IncomingHttpHeaders
}

type CloseHook = (session: SseSession) => void

const KEEP_ALIVE = ':\n\n'
const FIRST_BYTES = ':\n\n'
const WRITTEN = Future.ready(true)
const NOT_WRITTEN = Future.ready(false)

export class SseSession {
  /** The `Last-Event-ID` the client sent when it (re)connected, or ''. */
  readonly lastEventId: string
  /** Events dropped under the 'drop-oldest' policy. */
  dropped = 0

  readonly #res: ResponseStream
  readonly #policy: QueuePolicy
  readonly #max: number
  // Created on first use: most sessions are idle, and per-client heap is what 10,000 clients cost
  // (an AbortSignal is an EventTarget with its own Map; a queue is two arrays).
  #outbox: Outbox | undefined = undefined
  #abort: AbortController | undefined = undefined
  #closed: FutureWithResolvers<SseError> | undefined = undefined
  #closeHooks: CloseHook | CloseHook[] | undefined = undefined
  #keepAlive: KeepAliveGroup | undefined = undefined
  #blocked = false // the last write() returned false: wait for 'drain'
  #wroteSinceTick = false
  #room: FutureWithResolvers<boolean> | undefined = undefined
  #reason: SseError | undefined = undefined
  #onDrain: (() => void) | undefined = undefined
  #stallMark = -1 // bytes buffered at the previous tick while blocked; -1 = not blocked then

  constructor(req: RequestLike, res: EventStreamResponse, options: SessionOptions = {}) {
    const { keepAliveMs = 15_000, maxQueueBytes = 262_144, queuePolicy = 'close' } = options
    if (!(keepAliveMs >= 0)) throw new InvalidArgumentError(`keepAliveMs must be >= 0, got ${keepAliveMs}`)
    if (!(maxQueueBytes > 0)) throw new InvalidArgumentError(`maxQueueBytes must be > 0, got ${maxQueueBytes}`)
    const header = req.headers['last-event-id']
    this.lastEventId = typeof header === 'string' ? decodeHeaderUtf8(header) : ''
    this.#res = asResponseStream(res)
    this.#policy = queuePolicy
    this.#max = maxQueueBytes
    const first = options.retry === undefined ? FIRST_BYTES : encodeRetry(options.retry)
    if (isResponseGone(this.#res)) {
      this.#finish(stackless(() => new SessionClosedError('The client disconnected')))
      return
    }
    // 'drain' is listened to only while blocked, and 'error' only on a raw HTTP/2 stream (the one
    // kind that emits it): every listener is heap on each of thousands of idle responses
    this.#res.on('close', this.#onClose)
    if (isHttp2Stream(res)) this.#res.on('error', this.#onClose)
    // the head and the first bytes go out together: proxies and EventSource see the stream open at once
    openResponse(res, options.headers)
    this.#write(first)
    this.#wroteSinceTick = false // the first bytes do not count as traffic: the first idle tick still pings
    if (keepAliveMs > 0) {
      this.#keepAlive = keepAliveGroup(options.timers ?? defaultReactor().timers, keepAliveMs)
      this.#keepAlive.add(this)
    }
  }

  /** Aborted with the close reason when the stream ends: hand it to the producer. */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController()
      if (this.#reason !== undefined) this.#abort.abort(this.#reason)
    }
    return this.#abort.signal
  }

  /** Resolves with the reason once the stream is over, whoever ended it. Never rejects. */
  get closed(): Future<SseError> {
    if (this.#closed === undefined) {
      if (this.#reason !== undefined) return Future.ready(this.#reason)
      this.#closed = Future.withResolvers<SseError>()
    }
    return this.#closed.future
  }

  get isClosed(): boolean {
    return this.#reason !== undefined
  }

  /** Bytes waiting for the client to read (beyond what the socket buffers). */
  get queuedBytes(): number {
    return this.#outbox?.bytes ?? 0
  }

  /**
   * Sends one event. The Future is `true` once the event is written or queued (pending under the
   * 'wait' policy while the queue is full) and `false` when the session is closed; it never rejects.
   * Encoding errors (`InvalidFieldError`) throw at once.
   */
  send(event: SseEvent): Future<boolean> {
    return this.#write(encodeEvent(event))
  }

  /** Sends an event encoded once for many sessions (see `EncodedEvent`). */
  sendEncoded(event: EncodedEvent): Future<boolean> {
    return this.#write(event.bytes)
  }

  /** Sends a comment, which clients ignore. */
  comment(text = ''): Future<boolean> {
    return this.#write(encodeComment(text))
  }

  /** Ends the stream, after a last reconnection hint when `retry` is given (e.g. on shutdown). */
  close(options: { retry?: number } = {}): void {
    if (this.#reason !== undefined) return
    const last = options.retry === undefined ? undefined : encodeRetry(options.retry)
    this.#finish(stackless(() => new SessionClosedError('The server closed the event stream')))
    // queued events are dropped, the hint is not: it is what tells the client when to come back
    this.#res.end(last)
  }

  #write(chunk: Buffer | string): Future<boolean> {
    if (this.#reason !== undefined) return NOT_WRITTEN
    this.#wroteSinceTick = true
    if (!this.#blocked) {
      if (!this.#res.write(chunk)) this.#block()
      return WRITTEN
    }
    const size = chunkSize(chunk)
    const outbox = (this.#outbox ??= new Outbox())
    if (outbox.bytes + size <= this.#max) {
      outbox.push(chunk, size)
      return WRITTEN
    }
    switch (this.#policy) {
      case 'drop-oldest':
        while (!outbox.isEmpty && outbox.bytes + size > this.#max) {
          outbox.shift()
          this.dropped++
        }
        outbox.push(chunk, size)
        return WRITTEN
      case 'wait':
        // the producer was told to wait and did not: past twice the limit, treat it like 'close'
        if (outbox.bytes + size > 2 * this.#max) break
        outbox.push(chunk, size)
        this.#room ??= Future.withResolvers<boolean>()
        return this.#room.future
    }
    this.#fail(stackless(() => new QueueFullError(this.#max)))
    return NOT_WRITTEN
  }

  #drain(): void {
    this.#blocked = false
    this.#stallMark = -1
    const outbox = this.#outbox
    if (outbox === undefined) return
    while (!outbox.isEmpty) {
      if (!this.#res.write(outbox.shift()!)) {
        this.#block()
        break
      }
    }
    if (this.#room !== undefined && outbox.bytes <= this.#max) {
      const room = this.#room
      this.#room = undefined
      room.resolve(true)
    }
  }

  /** @internal One tick of the shared keep-alive timer. */
  _keepAliveTick(): void {
    if (this.#blocked) {
      // Blocked since the previous tick with not one byte taken off the socket's buffer since: the peer
      // has read nothing for a whole interval (a zero TCP window, or a host that is gone). Waiting for
      // TCP to give up takes minutes and keeps a 'wait' producer parked; closing lets it reconnect.
      const pending = this.#res.writableLength
      if (this.#stallMark >= 0 && pending >= this.#stallMark)
        this.#fail(stackless(() => new ClientStalledError(this.#keepAlive!.intervalMs)))
      else this.#stallMark = pending
      return
    }
    // a stream that carried anything since the last tick needs no comment
    if (!this.#wroteSinceTick && !this.#res.write(KEEP_ALIVE)) this.#block()
    this.#wroteSinceTick = false
  }

  #block(): void {
    this.#blocked = true
    // created on the first block: most sessions never wait for 'drain'
    this.#res.once('drain', (this.#onDrain ??= () => this.#drain()))
  }

  readonly #onClose = (): void => {
    this.#finish(stackless(() => new SessionClosedError('The client disconnected')))
  }

  #fail(reason: SseError): void {
    this.#finish(reason)
    // the client is not reading: nothing more can be delivered, so do not wait for a graceful end
    this.#res.destroy()
  }

  #finish(reason: SseError): void {
    if (this.#reason !== undefined) return
    this.#reason = reason
    this.#keepAlive?.delete(this)
    this.#outbox = undefined
    this.#res.off('close', this.#onClose)
    if (this.#onDrain !== undefined) this.#res.off('drain', this.#onDrain)
    // an 'error' listener stays: a late stream error must not become an uncaught exception
    this.#room?.resolve(false)
    this.#room = undefined
    this.#abort?.abort(reason)
    this.#closed?.resolve(reason)
    const hooks = this.#closeHooks
    this.#closeHooks = undefined
    if (typeof hooks === 'function') hooks(this)
    else if (hooks !== undefined) for (const hook of hooks) hook(this)
  }

  /** @internal Calls `hook(session)` once when the session ends: a channel's one function, not a Future chain per session. */
  _onClose(hook: CloseHook): void {
    const hooks = this.#closeHooks
    if (this.#reason !== undefined) hook(this)
    else if (hooks === hook || (Array.isArray(hooks) && hooks.includes(hook)))
      return // subscribed again
    else if (hooks === undefined)
      this.#closeHooks = hook // one channel per session is the common case: no array
    else if (typeof hooks === 'function') this.#closeHooks = [hooks, hook]
    else hooks.push(hook)
  }
}

/**
 * Starts an event stream on `res`: status 200, the event-stream headers, the first bytes at once.
 * @example
 * http.createServer((req, res) => {
 *   const session = createSession(req, res, { keepAliveMs: 15_000 })
 *   session.send({ event: 'hello', json: { at: Date.now() } })
 * })
 */
export function createSession(req: RequestLike, res: EventStreamResponse, options?: SessionOptions): SseSession {
  return new SseSession(req, res, options)
}
