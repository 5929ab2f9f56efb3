import { connect } from 'node:net'
import { request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, listen, type NodeExchange, type RunningServer } from '../src/index.ts'
import { rawExchange, statusLines } from './helpers/raw.ts'

describe('the node:http server', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  function app() {
    const a = new App()
    a.get('/ping', () => 'pong')
    return a
  }

  it('answers a malformed request line with 400 JSON and keeps serving', async () => {
    server = await listen(app(), { port: 0 })
    const reply = await rawExchange(server.port, 'GARBAGE / NOT-HTTP\r\n\r\n')
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).toContain('{"detail":"Bad Request"}')
    expect((await request(`${server.url}/ping`)).statusCode).toBe(200)
  })

  it('answers oversized headers with 431', async () => {
    server = await listen(app(), { port: 0, maxHeaderSize: 1024 })
    const reply = await rawExchange(server.port, `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4096)}\r\n\r\n`)
    expect(reply).toMatch(/^HTTP\/1\.1 431 /)
  })

  it('refuses a request with both Content-Length and Transfer-Encoding (smuggling shape)', async () => {
    server = await listen(app(), { port: 0 })
    const reply = await rawExchange(
      server.port,
      'POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect((await request(`${server.url}/ping`)).statusCode).toBe(200)
  })

  // a route that reads its body: the request is handed over before the body has arrived
  function bodyApp() {
    const a = app()
    a.post('/items', { body: z.object({ name: z.string() }) }, ({ body }) => body)
    return a
  }

  it('answers a malformed chunk in a body the handler is waiting for with 400 JSON, and keeps serving', async () => {
    server = await listen(bodyApp(), { port: 0 })
    const reply = await rawExchange(
      server.port,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    expect(reply).toContain('{"detail":"Bad Request"}')
    expect((await request(`${server.url}/ping`)).statusCode).toBe(200)
  })

  it('answers 408 when a body stops short of its Content-Length past requestTimeout', async () => {
    server = await listen(bodyApp(), { port: 0, headersTimeout: 300, requestTimeout: 600 })
    const reply = await rawExchange(
      server.port,
      'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"name":',
    )
    expect(reply).toMatch(/^HTTP\/1\.1 408 /)
    expect((await request(`${server.url}/ping`)).statusCode).toBe(200)
  })

  it('answers a client that never finishes its headers with 408 (slowloris)', async () => {
    server = await listen(app(), { port: 0, headersTimeout: 300, requestTimeout: 600 })
    const reply = await rawExchange(server.port, 'GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ')
    expect(reply).toMatch(/^HTTP\/1\.1 408 /)
    expect((await request(`${server.url}/ping`)).statusCode).toBe(200)
  })

  it('answers a malformed request pipelined after a good one with 400, after the good answer', async () => {
    const a = app()
    a.get('/slow', async () => {
      await new Promise((r) => setImmediate(r))
      return 'late'
    })
    server = await listen(a, { port: 0 })
    for (const path of ['/ping', '/slow']) {
      const raw = await rawExchange(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n`)
      expect(statusLines(raw)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request'])
      expect(raw.indexOf('200 OK')).toBeLessThan(raw.indexOf('400 Bad Request'))
    }
  })

  it('serves pipelined keep-alive requests in order on one connection', async () => {
    server = await listen(app(), { port: 0 })
    const socket = connect(server.port, '127.0.0.1')
    const reply = await new Promise<string>((resolve) => {
      let out = ''
      socket.on('data', (d) => {
        out += d.toString()
        if (out.split('"pong"').length === 3) resolve(out)
      })
      socket.write(
        'GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\n\r\n',
      )
    })
    socket.destroy()
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])
    expect(statuses).toEqual(['200', '404', '200'])
  })

  it('aborts the request signal when the client goes away', async () => {
    const a = new App()
    const seen = Promise.withResolvers<unknown>()
    const started = Promise.withResolvers<void>()
    a.get('/slow', ({ signal }) => {
      started.resolve()
      return new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          seen.resolve(signal.reason)
          resolve('too late')
        })
      })
    })
    server = await listen(a, { port: 0 })
    const socket = connect(server.port, '127.0.0.1')
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    await started.promise
    socket.destroy()
    const reason = (await seen.promise) as { status: number }
    expect(reason.status).toBe(499)
  })

  it('reports a client that left before anything looked at the request signal as aborted at once', async () => {
    const a = new App()
    const seen = Promise.withResolvers<{ aborted: boolean; reason: unknown }>()
    const started = Promise.withResolvers<void>()
    a.get('/late', ({ request }) => {
      const res = (request.exchange as NodeExchange).res
      // the signal is first read after the connection closed: it must still come out aborted
      res.once('close', () =>
        setImmediate(() => seen.resolve({ aborted: request.signal.aborted, reason: request.signal.reason })),
      )
      started.resolve()
      return new Promise(() => {})
    })
    server = await listen(a, { port: 0 })
    const socket = connect(server.port, '127.0.0.1')
    socket.write('GET /late HTTP/1.1\r\nHost: x\r\n\r\n')
    await started.promise
    socket.destroy()
    const { aborted, reason } = await seen.promise
    expect(aborted).toBe(true)
    expect((reason as { status: number }).status).toBe(499)
  })

  it('answers 503 and aborts the handler signal when the route timeout passes', async () => {
    const a = new App()
    let aborted = false
    a.get('/stuck', { timeout: 50 }, ({ signal }) => {
      signal.addEventListener('abort', () => {
        aborted = true
      })
      return new Promise(() => {})
    })
    server = await listen(a, { port: 0 })
    const r = await request(`${server.url}/stuck`)
    expect(r.statusCode).toBe(503)
    expect(await r.body.json()).toEqual({ detail: 'The handler did not answer within 50 ms' })
    expect(aborted).toBe(true)
  })

  it('lets in-flight requests finish on close, then runs the shutdown hooks', async () => {
    const a = new App()
    const events: string[] = []
    const release = Promise.withResolvers<void>()
    const started = Promise.withResolvers<void>()
    a.onEvent('shutdown', () => void events.push('shutdown'))
    a.get('/work', async () => {
      started.resolve()
      await release.promise
      events.push('answered')
      return 'done'
    })
    const s = await listen(a, { port: 0 })
    const pending = request(`${s.url}/work`)
    await started.promise
    const closing = s.close()
    release.resolve()
    const r = await pending
    expect(await r.body.json()).toBe('done')
    await closing
    expect(events).toEqual(['answered', 'shutdown'])
  })
})
