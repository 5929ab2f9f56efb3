import { connect } from 'node:http2'
import { EventSource } from 'eventsource'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Depends, listen, type RunningServer } from '../src/index.ts'

function collect(source: EventSource, count: number, type = 'message') {
  return new Promise<MessageEvent[]>((resolve, reject) => {
    const seen: MessageEvent[] = []
    source.addEventListener(type, (event) => {
      seen.push(event as MessageEvent)
      if (seen.length === count) resolve(seen)
    })
    source.onerror = (error) =>
      seen.length < count && source.readyState === EventSource.CLOSED ? reject(error) : undefined
  })
}

describe('event-stream routes', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  function app() {
    const a = new App({ compression: true })
    const feed = Depends(() => ['alpha', 'beta', 'gamma'])
    a.sse(
      '/ticks',
      { query: z.object({ from: z.coerce.number().default(0) }), deps: { feed } },
      async function* ({ query, deps, sse }) {
        const start = Math.max(query.from, Number(sse.lastEventId || -1) + 1)
        for (let i = start; i < deps.feed.length; i++) yield { id: String(i), event: 'tick', data: deps.feed[i]! }
      },
    )
    a.sse('/push', { retry: 50 }, ({ sse }) => {
      void sse.send({ data: 'first' })
    })
    return a
  }

  it('answers HEAD with the event-stream headers and ends, without starting the stream', async () => {
    const a = new App()
    let started = 0
    a.sse('/live', {}, ({ sse }) => {
      started++
      void sse.send({ data: 'x' })
    })
    server = await listen(a, { port: 0 })
    const res = await request(`${server.url}/live`, { method: 'HEAD' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream')
    await res.body.dump()
    expect(started).toBe(0)
    const inProcess = await a.inject({ method: 'HEAD', url: '/live' })
    expect(inProcess.status).toBe(200)
    expect(inProcess.headers['content-type']).toBe('text/event-stream')
  })

  it('streams the events an async generator yields to an EventSource, uncompressed', async () => {
    server = await listen(app(), { port: 0 })
    const raw = await request(`${server.url}/ticks`, { headers: { 'accept-encoding': 'gzip' } })
    expect(raw.headers['content-type']).toBe('text/event-stream')
    expect(raw.headers['content-encoding']).toBeUndefined()
    expect(await raw.body.text()).toContain('event: tick\ndata: alpha\nid: 0\n\n')
    const source = new EventSource(`${server.url}/ticks?from=1`)
    const events = await collect(source, 2, 'tick')
    source.close()
    expect(events.map((e) => [e.lastEventId, e.data])).toEqual([
      ['1', 'beta'],
      ['2', 'gamma'],
    ])
  })

  it('validates the request like any route before the stream opens', async () => {
    server = await listen(app(), { port: 0 })
    const r = await request(`${server.url}/ticks?from=abc`)
    expect(r.statusCode).toBe(422)
    expect(((await r.body.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual(['query', 'from'])
  })

  it('resumes from Last-Event-ID when the client reconnects', async () => {
    server = await listen(app(), { port: 0 })
    const r = await request(`${server.url}/ticks`, { headers: { 'last-event-id': '1' } })
    const text = await r.body.text()
    expect(text).not.toContain('alpha')
    expect(text).toContain('event: tick\ndata: gamma\nid: 2\n\n')
  })

  it('serves event streams over HTTP/2 (h2c)', async () => {
    server = await listen(app(), { port: 0, protocol: 'h2c' })
    const session = connect(server.url)
    const stream = session.request({ ':path': '/ticks?from=2' })
    let body = ''
    let type = ''
    stream.on('response', (h) => (type = String(h['content-type'])))
    stream.on('data', (d) => (body += d))
    await new Promise((resolve) => stream.on('end', resolve))
    session.close()
    expect(type).toBe('text/event-stream')
    expect(body).toContain('data: gamma')
  })

  it('ends open streams with a final retry hint on shutdown', async () => {
    const s = await listen(app(), { port: 0 })
    const r = await request(`${s.url}/push`)
    const chunks: string[] = []
    const ended = new Promise<void>((resolve) => {
      r.body.on('data', (d) => chunks.push(String(d)))
      r.body.on('end', () => resolve())
    })
    while (!chunks.join('').includes('data: first')) await new Promise((res) => setTimeout(res, 5))
    await s.close()
    await ended
    expect(chunks.join('')).toMatch(/retry: 1000\n\n$/)
  })

  it('runs an event-stream route through inject(): the response holds the events until the stream ends', async () => {
    const a = app()
    const r = await a.inject({ url: '/ticks?from=1', headers: { 'last-event-id': '1' } })
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/event-stream')
    expect(r.headers['content-encoding']).toBeUndefined()
    expect(r.body).toBe(':\n\nevent: tick\ndata: gamma\nid: 2\n\n')
    expect(a.eventStreams.size).toBe(0)
  })

  it('collects what a handler sends on the session until it closes it, in-process', async () => {
    const a = new App()
    a.sse('/once', { retry: 500 }, ({ sse }) => {
      void sse.send({ event: 'hello', json: { n: 1 } })
      sse.close()
    })
    const r = await a.inject('/once')
    expect(r.body).toBe('retry: 500\n\nevent: hello\ndata: {"n":1}\n\n')
    const invalid = await app().inject('/ticks?from=abc')
    expect(invalid.status).toBe(422)
  })
})
