// HTTP/2 (h2c) with node:http2's own client: a session on the compatibility response and on a raw
// stream, no connection-specific headers (RFC 9113 §8.2.2), and a cancelled stream seen as a close.
import { once } from 'node:events'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createSession, EventStreamParser, type ParsedEvent, type SseSession } from '../src/index.ts'
import { until } from './helpers.ts'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

async function h2Server(mount: (server: http2.Http2Server, sessions: SseSession[]) => void) {
  const server = http2.createServer()
  const sessions: SseSession[] = []
  mount(server, sessions)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  cleanup = async () => {
    client.close()
    server.close()
    await once(server, 'close')
  }
  return { client, sessions }
}

function readStream(client: http2.ClientHttp2Session) {
  const events: ParsedEvent[] = []
  const parser = new EventStreamParser({ onEvent: (e) => events.push(e) })
  const request = client.request({ ':path': '/events', accept: 'text/event-stream' })
  const listeners = new Set<() => void>()
  request.on('data', (chunk: Buffer) => {
    parser.feed(chunk)
    for (const l of [...listeners]) l()
  })
  request.on('error', () => {})
  const untilEvents = (n: number) =>
    until(
      () => events.length >= n,
      (recheck) => {
        listeners.add(recheck)
        return () => listeners.delete(recheck)
      },
    )
  const headers = once(request, 'response').then(([h]) => h as http2.IncomingHttpHeaders)
  return { request, events, untilEvents, headers }
}

async function untilSession(sessions: SseSession[]): Promise<SseSession> {
  while (sessions.length === 0) await new Promise((resolve) => setImmediate(resolve))
  return sessions[0]!
}

describe.each([
  ['the compatibility API (Http2ServerResponse)', 'compat'],
  ['a raw ServerHttp2Stream', 'stream'],
] as const)('over HTTP/2 with %s', (_name, api) => {
  const mount = (server: http2.Http2Server, sessions: SseSession[]) => {
    if (api === 'compat') server.on('request', (req, res) => sessions.push(createSession(req, res)))
    else server.on('stream', (stream, headers) => sessions.push(createSession({ headers }, stream)))
  }

  it('answers 200 text/event-stream without connection headers and delivers events', async () => {
    const { client, sessions } = await h2Server(mount)
    const stream = readStream(client)
    const headers = await stream.headers
    expect(headers[':status']).toBe(200)
    expect(headers['content-type']).toBe('text/event-stream')
    expect(headers['x-accel-buffering']).toBe('no')
    expect(headers.connection).toBeUndefined()
    const session = await untilSession(sessions)
    session.send({ event: 'a', data: 'one\ntwo', id: '1' })
    session.send({ json: [1, 2, 3] })
    await stream.untilEvents(2)
    expect(stream.events).toEqual([
      { type: 'a', data: 'one\ntwo', lastEventId: '1' },
      { type: 'message', data: '[1,2,3]', lastEventId: '1' },
    ])
    stream.request.close()
    await session.closed
  })

  it('closes the session when the client cancels the stream, leaving the connection up', async () => {
    const { client, sessions } = await h2Server(mount)
    const stream = readStream(client)
    await stream.headers
    const session = await untilSession(sessions)
    stream.request.close(http2.constants.NGHTTP2_CANCEL)
    expect((await session.closed).code).toBe('SSE_SESSION_CLOSED')
    expect(session.signal.aborted).toBe(true)
    expect(client.closed).toBe(false)
  })
})
