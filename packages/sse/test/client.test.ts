import { afterEach, describe, expect, it } from 'vitest'
import { BadResponseError, createSession, fetchEventStream, fetchJsonEventStream } from '../src/index.ts'
import { listen, type TestServer } from './helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('fetchEventStream', () => {
  it('reads events as they arrive and sends Last-Event-ID when resuming', async () => {
    const seen: (string | undefined)[] = []
    server = await listen((req, res) => {
      seen.push(req.headers['last-event-id'] as string | undefined)
      const session = createSession(req, res)
      session.send({ data: 'a', id: '1' })
      session.send({ event: 'b', data: 'two\nlines' })
      session.close()
    })
    const events = []
    for await (const e of fetchEventStream(server.url, { lastEventId: '0' })) events.push(e)
    for await (const _ of fetchEventStream(server.url, { lastEventId: 'ünï' })) break
    expect(seen).toEqual(['0', Buffer.from('ünï').toString('latin1')])
    expect(events).toEqual([
      { type: 'message', data: 'a', lastEventId: '1' },
      { type: 'b', data: 'two\nlines', lastEventId: '1' },
    ])
  })

  it('disconnects when the loop breaks, which the server sees as a close', async () => {
    const closed: Promise<unknown>[] = []
    server = await listen((req, res) => {
      const session = createSession(req, res)
      closed.push(session.closed)
      session.send({ data: 'only' })
    })
    for await (const e of fetchEventStream(server.url)) {
      expect(e.data).toBe('only')
      break
    }
    expect(await closed[0]).toMatchObject({ code: 'SSE_SESSION_CLOSED' })
  })

  it('fails with BadResponseError on a response that is not an event stream', async () => {
    server = await listen((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no'))
    const reading = fetchEventStream(server.url).next()
    await expect(reading).rejects.toBeInstanceOf(BadResponseError)
    await expect(reading).rejects.toMatchObject({ code: 'SSE_BAD_RESPONSE', status: 404 })
  })
})

describe('fetchJsonEventStream', () => {
  it('parses each data as JSON, typed by event type', async () => {
    server = await listen((req, res) => {
      const session = createSession(req, res)
      session.send({ event: 'tick', json: { n: 1 } })
      session.send({ event: 'done', json: null })
      session.close()
    })
    type Events = { tick: { n: number }; done: null }
    const ticks: number[] = []
    let finished = false
    for await (const e of fetchJsonEventStream<Events>(server.url)) {
      if (e.type === 'tick') ticks.push(e.data.n)
      else finished = e.data === null
    }
    expect(ticks).toEqual([1])
    expect(finished).toBe(true)
  })
})
