// Every adapter is proven to emit the same event before anything is timed.
import http from 'node:http'
import { encodeEvent, parseEventStream } from '@fasterapi/sse'
import { EventBuffer } from 'better-sse'
import { afterAll, describe, expect, it } from 'vitest'
import { runBroadcast, startClients, stopClients } from './broadcast.ts'
import { BROADCASTERS } from './broadcasters.ts'
import { ENCODERS } from './encoders.ts'
import { JSON_EVENT, PAYLOAD } from './input.ts'

const reference = encodeEvent({ event: JSON_EVENT.event, json: JSON_EVENT.json, id: JSON_EVENT.id })
const expected = { type: 'order', data: JSON.stringify(PAYLOAD), lastEventId: JSON_EVENT.id }

describe.each(ENCODERS)('encoder $name', (adapter) => {
  it('encodes the fixture to the same event as @fasterapi/sse', async () => {
    await adapter.encode(JSON_EVENT)
    expect(parseEventStream(adapter.output())).toEqual([expected])
  })
})

describe.each(ENCODERS.filter((a) => a.sameLayout))('encoder $name', (adapter) => {
  it('emits output byte-identical to @fasterapi/sse', async () => {
    await adapter.encode(JSON_EVENT)
    expect(adapter.output()).toBe(reference)
  })
})

describe('better-sse', () => {
  // why it is compared on JSON only: with its serializer replaced, a second data line is written raw
  it('writes multi-line data as one data line followed by a raw line, which the spec parser ignores', () => {
    const buffer = new EventBuffer({ serializer: (data) => String(data) })
    buffer.push('line 1\nline 2', 'log', '1')
    expect(parseEventStream(buffer.read())[0]!.data).toBe('line 1')
  })
})

/** Reads the body of one event-stream request until `done` holds. */
function read(port: number, done: (body: string) => boolean): { body: Promise<string>; ready: Promise<void> } {
  let body = ''
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const result = new Promise<string>((resolve) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/events', agent: false }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
        markReady()
        if (done(body)) {
          req.destroy()
          resolve(body)
        }
      })
    })
    req.on('error', () => {})
  })
  return { body: result, ready }
}

describe.each(BROADCASTERS)('broadcaster $name', (adapter) => {
  it('delivers the fixture event to every connected client', async () => {
    const server = await adapter.start()
    const id = 'check-1'
    const clients = [0, 1, 2].map(() => read(server.port, (body) => parseEventStream(body).length > 0))
    await Promise.all(clients.map((c) => c.ready))
    while (server.connected() < 3) await new Promise((resolve) => setImmediate(resolve))
    server.broadcast(id)
    for (const client of clients) {
      const body = await client.body
      expect(parseEventStream(body)).toEqual([{ ...expected, lastEventId: id }])
      if (adapter.sameLayout) expect(body.endsWith(encodeEvent({ event: 'order', json: PAYLOAD, id }))).toBe(true)
    }
    await server.close()
  })
})

describe('the broadcast harness', () => {
  const child = startClients()
  afterAll(() => stopClients(child))

  it.each(BROADCASTERS)('measures $name with clients in another process and sees them all leave', async (adapter) => {
    const result = await runBroadcast(adapter, 20, 2, child)
    expect(result).toMatchObject({ name: adapter.name, clients: 20 })
    expect(result.lastByteMs).toHaveLength(2)
    expect(Math.min(...result.lastByteMs, ...result.blockMs)).toBeGreaterThan(0)
  })
})
