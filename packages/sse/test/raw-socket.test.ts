// Raw TCP on both sides: the exact bytes a session puts on the wire, and a hand-made stream
// delivered in pieces that split CRLF, a multi-byte character, the BOM and the blank line.
import { once } from 'node:events'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseEventStream } from '../src/index.ts'
import { StreamClient, startSessionServer, type TestServer, until } from './helpers.ts'

let server: TestServer | undefined
let rawServer: net.Server | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
  rawServer?.close()
  rawServer = undefined
})

/** A raw client: the bytes received so far, and a way to wait for more. */
async function rawGet(port: number, headers = '') {
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let received = ''
  const listeners = new Set<() => void>()
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8')
    for (const l of [...listeners]) l()
  })
  socket.write(`GET /events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n${headers}\r\n`)
  const untilReceived = (text: string) =>
    until(
      () => received.includes(text),
      (recheck) => {
        listeners.add(recheck)
        return () => listeners.delete(recheck)
      },
    )
  return { socket, untilReceived, received: () => received }
}

describe('on the wire (HTTP/1.1)', () => {
  it('sends the head and a first chunk before any event, then one chunk per event', async () => {
    const s = await startSessionServer()
    server = s.server
    const client = await rawGet(s.server.port)
    // the first flush: a 3-byte chunk ':\n\n' right after the head
    await client.untilReceived('\r\n\r\n3\r\n:\n\n\r\n')
    const head = client.received().split('\r\n\r\n')[0]!.split('\r\n')
    expect(head[0]).toBe('HTTP/1.1 200 OK')
    expect(head).toContain('content-type: text/event-stream')
    expect(head).toContain('cache-control: no-cache, no-transform')
    expect(head).toContain('x-accel-buffering: no')
    expect(head).toContain('Transfer-Encoding: chunked')
    const session = await s.nth(0)
    session.send({ event: 'e', data: 'é' })
    const event = 'event: e\ndata: é\n\n'
    await client.untilReceived(`${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`)
    client.socket.destroy()
    await session.closed
  })

  it('parses a stream whose pieces split CRLF, a 4-byte character, the BOM and the blank line', async () => {
    const whole = Buffer.from('\uFEFFevent: a\r\ndata: 😀 x\r\n\r\nid: 2\rdata: y\r\rdata: z\n\n')
    const emoji = whole.indexOf(Buffer.from('😀'))
    const cuts = [
      1,
      whole.indexOf('\r\n') + 1,
      emoji + 1,
      emoji + 3,
      whole.indexOf('\r\n\r\n') + 3,
      whole.indexOf('\r\r') + 1,
    ]
    const pieces = [0, ...cuts].map((start, i) => whole.subarray(start, [...cuts, whole.length][i]))
    rawServer = net.createServer()
    rawServer.listen(0, '127.0.0.1')
    await once(rawServer, 'listening')
    const { port } = rawServer.address() as net.AddressInfo
    const client = new StreamClient(`http://127.0.0.1:${port}/`)
    const [socket] = (await once(rawServer, 'connection')) as [net.Socket]
    // a close-delimited body: every byte after the head is stream, exactly as written
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n')
    await client.response
    for (const [i, piece] of pieces.entries()) {
      socket.write(piece)
      // the next piece leaves only after this one arrived, so the client reads them one by one
      await client.until((c) => c.chunks > i)
    }
    socket.end()
    await client.until((c) => c.ended)
    expect(client.chunks).toBe(pieces.length)
    expect(client.events).toEqual(parseEventStream(whole))
    expect(client.events).toEqual([
      { type: 'a', data: '😀 x', lastEventId: '' },
      { type: 'message', data: 'y', lastEventId: '2' },
      { type: 'message', data: 'z', lastEventId: '2' },
    ])
  })
})
