import { EventEmitter, once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { TimerWheel } from '@fasterapi/futures'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ClientStalledError,
  createSession,
  EncodedEvent,
  QueueFullError,
  type QueuePolicy,
  SessionClosedError,
  type SessionOptions,
  type SseSession,
} from '../src/index.ts'
import { listen, StreamClient, startSessionServer, type TestServer } from './helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function sessionServer(options: SessionOptions = {}) {
  const s = await startSessionServer(options)
  server = s.server
  return s
}

// a wheel driven by hand: keep-alive ticks happen when the test says so
function manualWheel() {
  let now = 0
  const timers = new TimerWheel({ tickMs: 10, autoStart: false, now: () => now })
  return { timers, advance: (ms: number) => timers.advance((now += ms)) }
}

describe('SseSession', () => {
  it('answers 200 with the event-stream headers and flushes a first comment before any event', async () => {
    const { url } = await sessionServer()
    const client = new StreamClient(`${url}/events`)
    const res = await client.response
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream')
    expect(res.headers['cache-control']).toBe('no-cache, no-transform')
    expect(res.headers['x-accel-buffering']).toBe('no')
    await client.until((c) => c.comments.length === 1)
    expect(client.events).toEqual([])
    client.destroy()
  })

  it('sends the retry hint as the first bytes when asked', async () => {
    const { url } = await sessionServer({ retry: 2500 })
    const client = new StreamClient(url)
    await client.until((c) => c.retries.length === 1)
    expect(client.retries).toEqual([2500])
    client.destroy()
  })

  it('delivers sent events, encoded ones and comments in order', async () => {
    const { url, nth } = await sessionServer()
    const client = new StreamClient(url)
    const session = await nth(0)
    expect(session.send({ event: 'a', data: 'one\ntwo', id: '1' }).get()).toBe(true)
    session.sendEncoded(new EncodedEvent({ json: { n: 2 }, id: '2' }))
    session.comment('note')
    session.send({ data: 'three' })
    await client.untilEvents(3)
    expect(client.events).toEqual([
      { type: 'a', data: 'one\ntwo', lastEventId: '1' },
      { type: 'message', data: '{"n":2}', lastEventId: '2' },
      { type: 'message', data: 'three', lastEventId: '2' },
    ])
    expect(client.comments).toContain('note')
    client.destroy()
  })

  it('reads Last-Event-ID from the request', async () => {
    const { url, nth } = await sessionServer()
    const client = new StreamClient(url, { 'last-event-id': '42' })
    expect((await nth(0)).lastEventId).toBe('42')
    client.destroy()
  })

  it('notices a client that vanishes mid-stream: closed resolves, the signal aborts, the keep-alive timer goes', async () => {
    const { timers } = manualWheel()
    const { url, nth } = await sessionServer({ timers, keepAliveMs: 1000 })
    const client = new StreamClient(url)
    const session = await nth(0)
    session.send({ data: 'x' })
    await client.untilEvents(1)
    expect(timers.size).toBe(1)
    client.destroy()
    const reason = await session.closed
    expect(reason).toBeInstanceOf(SessionClosedError)
    expect(session.signal.aborted).toBe(true)
    expect(session.signal.reason).toBe(reason)
    expect(timers.size).toBe(0)
    expect(session.send({ data: 'late' }).get()).toBe(false)
  })

  it('sends a keep-alive comment on each idle tick of the shared wheel, and none after traffic', async () => {
    const { timers, advance } = manualWheel()
    const { url, nth } = await sessionServer({ timers, keepAliveMs: 100 })
    const client = new StreamClient(url)
    const session = await nth(0)
    await client.until((c) => c.comments.length === 1) // the first flush
    advance(100) // idle: ping
    await client.until((c) => c.comments.length === 2)
    session.send({ data: 'busy' })
    advance(100) // saw traffic: no ping
    advance(100) // idle again: ping
    session.send({ data: 'marker' })
    await client.untilEvents(2)
    expect(client.comments).toHaveLength(3)
    client.destroy()
    await session.closed
  })

  it('ends the stream with a last retry hint on close()', async () => {
    const { url, nth } = await sessionServer()
    const client = new StreamClient(url)
    const session = await nth(0)
    session.close({ retry: 5000 })
    await client.until((c) => c.ended)
    expect(client.retries).toEqual([5000])
    expect((await session.closed).code).toBe('SSE_SESSION_CLOSED')
    // after the end: a second close is a no-op, and a signal asked for now is already aborted
    session.close({ retry: 1 })
    expect(session.signal.aborted).toBe(true)
    expect(session.send({ data: 'late' }).get()).toBe(false)
  })
})

describe('a slow client', () => {
  const big = { data: 'x'.repeat(16 * 1024) }

  // a session whose client stopped reading, written to until the socket refuses more and it queues
  async function stalledSession(queuePolicy: QueuePolicy, options: SessionOptions = {}) {
    const { url, nth } = await sessionServer({ maxQueueBytes: 64 * 1024, queuePolicy, ...options })
    const client = new StreamClient(url)
    await client.response
    client.pause()
    const session = await nth(0)
    for (let i = 0; i < 100_000 && session.queuedBytes === 0 && !session.isClosed; i++) session.send(big)
    return { client, session }
  }

  it('is closed with QueueFullError under the close policy, and its memory is released', async () => {
    const { client, session } = await stalledSession('close')
    while (!session.isClosed) {
      session.send(big)
      expect(session.queuedBytes).toBeLessThanOrEqual(64 * 1024)
    }
    expect(await session.closed).toBeInstanceOf(QueueFullError)
    expect(session.queuedBytes).toBe(0)
    await client.until((c) => c.ended) // the connection is cut, not left half-open
  })

  it('keeps at most maxQueueBytes under drop-oldest, counting what it dropped', async () => {
    const { client, session } = await stalledSession('drop-oldest')
    for (let i = 0; i < 1000; i++) {
      expect(session.send(big).get()).toBe(true)
      expect(session.queuedBytes).toBeLessThanOrEqual(64 * 1024 + 64)
    }
    expect(session.dropped).toBeGreaterThan(900)
    expect(session.isClosed).toBe(false)
    client.destroy()
    await session.closed
  })

  it('makes the producer wait under the wait policy until the client reads again', async () => {
    const { client, session } = await stalledSession('wait')
    let sent = session.send(big)
    while (sent.isReady) sent = session.send(big)
    expect(session.queuedBytes).toBeGreaterThan(64 * 1024)
    client.resume()
    expect(await sent).toBe(true)
    expect(session.queuedBytes).toBeLessThanOrEqual(64 * 1024)
    client.destroy()
    await session.closed
  })

  it('closes a wait-policy session whose producer ignores the wait, at twice the limit', async () => {
    const { client, session } = await stalledSession('wait')
    const pending = []
    while (!session.isClosed) pending.push(session.send(big))
    expect(await session.closed).toBeInstanceOf(QueueFullError)
    // every waiting send learns that its event will not be delivered
    expect(await pending.at(-2)).toBe(false)
    expect(session.queuedBytes).toBe(0)
    await client.until((c) => c.ended)
  })

  it('is closed with ClientStalledError when it takes no bytes for a whole keep-alive interval', async () => {
    const { timers, advance } = manualWheel()
    const { client, session } = await stalledSession('wait', { timers, keepAliveMs: 100 })
    advance(100) // the first tick while blocked notes how much is buffered
    expect(session.isClosed).toBe(false)
    advance(100) // the next finds not one byte taken
    expect(await session.closed).toBeInstanceOf(ClientStalledError)
    expect((await session.closed).code).toBe('SSE_CLIENT_STALLED')
    await client.until((c) => c.ended)
  })

  it('is not taken for stalled while the socket drains, however slowly', async () => {
    // a stand-in response whose buffered byte count the test controls: whether the peer reads a
    // little between two ticks cannot be arranged deterministically over a real socket
    const res = Object.assign(new EventEmitter(), {
      writableLength: 100_000,
      writableEnded: false,
      destroyed: false,
      writeHead: () => {},
      write: () => false,
      end: () => {},
      destroy: () => {},
    })
    const { timers, advance } = manualWheel()
    const session = createSession({ headers: {} }, res as unknown as ServerResponse, { timers, keepAliveMs: 100 })
    session.send({ data: 'queued behind the first bytes' })
    for (const taken of [10, 1, 1]) {
      advance(100)
      res.writableLength -= taken // the peer read a few bytes during the interval
    }
    advance(100)
    expect(session.isClosed).toBe(false)
    advance(100) // a whole interval without a byte taken
    expect((await session.closed).code).toBe('SSE_CLIENT_STALLED')
  })
})

describe('createSession', () => {
  it('marks the session closed at once when the response is already gone', async () => {
    const sessions: SseSession[] = []
    server = await listen((req, res) => {
      res.destroy()
      sessions.push(createSession(req, res))
    })
    const client = new StreamClient(server.url)
    await once(server.server, 'request')
    expect(sessions[0]!.isClosed).toBe(true)
    expect(sessions[0]!.signal.aborted).toBe(true)
    client.destroy()
  })
})
