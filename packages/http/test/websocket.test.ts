import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { z } from 'zod'
import { App, Depends, HTTPException, listen, type RunningServer } from '../src/index.ts'
import { rawExchange } from './helpers/raw.ts'

type Client = WebSocket & { inbox: string[]; next(): Promise<string> }

function connect(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], options) as Client
    ws.inbox = []
    const waiters: ((m: string) => void)[] = []
    ws.on('message', (data) => {
      const text = String(data)
      const waiter = waiters.shift()
      if (waiter) waiter(text)
      else ws.inbox.push(text)
    })
    ws.next = () => {
      const queued = ws.inbox.shift()
      return queued !== undefined ? Promise.resolve(queued) : new Promise((r) => waiters.push(r))
    }
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error('refused'), { status: res.statusCode })),
    )
    ws.once('error', reject)
  })
}

const closedWith = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))

describe('WebSocket routes', () => {
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('runs the handshake through the app middleware like any route: it sees the route and may refuse in HTTP', async () => {
    const app = new App()
    const seen: string[] = []
    app.use((ctx, next) => {
      seen.push(`${ctx.method} ${ctx.route?.path ?? 'no route'}`)
      if (ctx.headers['x-blocked'] !== undefined) throw new HTTPException(403, 'blocked')
      return next()
    })
    app.websocket('/ws/echo', {}, async ({ socket }) => {
      for await (const message of socket) await socket.send(message)
    })
    server = await listen(app, { port: 0 })
    const url = `${server.url.replace('http', 'ws')}/ws/echo`
    await expect(connect(url, { headers: { 'x-blocked': '1' } })).rejects.toMatchObject({ status: 403 })
    const ws = await connect(url)
    ws.send('ping')
    expect(await ws.next()).toBe('ping')
    ws.close()
    await expect(connect(`${server.url.replace('http', 'ws')}/ws/nothing`)).rejects.toMatchObject({ status: 404 })
    expect(seen).toEqual(['GET /ws/echo', 'GET /ws/echo', 'GET no route'])
  })

  function chat() {
    const app = new App()
    const user = Depends(({ request }) => {
      const token = request.query.token
      if (token !== 'secret') throw new HTTPException(401, 'Not authenticated')
      return { name: 'ada' }
    })
    app.websocket(
      '/ws/rooms/{room}',
      {
        query: z.object({ token: z.string(), nick: z.string().min(2) }),
        deps: { user },
        subprotocols: ['chat.v2', 'chat.v1'],
      },
      async ({ params, query, deps, socket }) => {
        const room = app.room(params.room)
        room.join(socket)
        await socket.send({ hello: deps.user.name, nick: query.nick, room: params.room, protocol: socket.protocol })
        for await (const message of socket)
          await room.broadcast(`${query.nick}: ${String(message)}`, { except: socket })
      },
    )
    app.websocket('/ws/echo', { maxPayload: 1024 }, async ({ socket }) => {
      for await (const message of socket) await socket.send(message)
    })
    return app
  }

  it('validates the handshake, resolves dependencies, negotiates the subprotocol and greets', async () => {
    server = await listen(chat(), { port: 0 })
    const base = server.url.replace('http', 'ws')
    const ws = await connect(`${base}/ws/rooms/lobby?token=secret&nick=ada`, { protocols: ['chat.v1', 'chat.v2'] })
    expect(ws.protocol).toBe('chat.v2')
    expect(JSON.parse(await ws.next())).toEqual({ hello: 'ada', nick: 'ada', room: 'lobby', protocol: 'chat.v2' })
    ws.close()
  })

  it('refuses a bad handshake with an HTTP status: 422, 401 and 404', async () => {
    server = await listen(chat(), { port: 0 })
    const base = server.url.replace('http', 'ws')
    await expect(connect(`${base}/ws/rooms/lobby?token=secret&nick=a`)).rejects.toMatchObject({ status: 422 })
    await expect(connect(`${base}/ws/rooms/lobby?token=wrong&nick=ada`)).rejects.toMatchObject({ status: 401 })
    await expect(connect(`${base}/ws/nowhere`)).rejects.toMatchObject({ status: 404 })
  })

  it('never writes a CR/LF header value on a refused handshake, and uses the standard reason phrase', async () => {
    const app = new App({ logger: { error: () => {} } })
    const realm = Depends(({ request }) => {
      // a dependency that builds a header from a decoded query value
      throw new HTTPException(401, 'Not authenticated', { 'www-authenticate': `Bearer realm="${request.query.realm}"` })
    })
    app.websocket('/ws', { dependencies: [realm] }, () => {})
    server = await listen(app, { port: 0 })
    const upgrade = (query: string) =>
      rawExchange(
        server!.port,
        `GET /ws?${query} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      )
    const injected = await upgrade('realm=x%0d%0aset-cookie:%20session=evil')
    expect(injected).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/)
    expect(injected.toLowerCase()).not.toContain('set-cookie')
    const clean = await upgrade('realm=api')
    expect(clean).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/)
    expect(clean).toContain('www-authenticate: Bearer realm="api"\r\n')
  })

  it('broadcasts to a room, not to the sender and not to other rooms', async () => {
    server = await listen(chat(), { port: 0 })
    const base = server.url.replace('http', 'ws')
    const [a, b, c] = await Promise.all([
      connect(`${base}/ws/rooms/one?token=secret&nick=aa`),
      connect(`${base}/ws/rooms/one?token=secret&nick=bb`),
      connect(`${base}/ws/rooms/two?token=secret&nick=cc`),
    ])
    for (const ws of [a!, b!, c!]) await ws.next() // greetings
    a!.send('hi all')
    expect(await b!.next()).toBe('aa: hi all')
    c!.send('ping two')
    await new Promise((r) => setTimeout(r, 50))
    expect(a!.inbox).toEqual([])
    expect(b!.inbox).toEqual([])
    for (const ws of [a!, b!, c!]) ws.close()
  })

  it('negotiates permessage-deflate and echoes large messages intact', async () => {
    server = await listen(
      (() => {
        const app = new App()
        app.websocket('/big', { maxPayload: 4 << 20 }, async ({ socket }) => {
          for await (const message of socket) await socket.send(message)
        })
        return app
      })(),
      { port: 0 },
    )
    const ws = await connect(`${server.url.replace('http', 'ws')}/big`, { perMessageDeflate: true })
    expect(ws.extensions).toContain('permessage-deflate')
    const big = 'x'.repeat(1_000_000)
    ws.send(big)
    expect(await ws.next()).toBe(big)
    ws.close()
  })

  it('closes with 1009 when a message is larger than maxPayload', async () => {
    server = await listen(chat(), { port: 0 })
    const ws = await connect(`${server.url.replace('http', 'ws')}/ws/echo`)
    const code = closedWith(ws)
    ws.send('y'.repeat(5000))
    expect(await code).toBe(1009)
  })

  it('holds back a fast sender to a slow reader: sends settle only as the socket drains', async () => {
    const app = new App()
    let settledBeforeRead = 0
    const reading = Promise.withResolvers<void>()
    app.websocket('/flood', { compression: false }, async ({ socket }) => {
      const chunk = 'z'.repeat(64 * 1024)
      const sends = Array.from({ length: 200 }, () => socket.send(chunk).then(() => settledBeforeRead++))
      await new Promise((r) => setTimeout(r, 100))
      const before = settledBeforeRead
      reading.resolve()
      await Promise.all(sends)
      await socket.send(`settled early: ${before}`)
    })
    server = await listen(app, { port: 0 })
    const ws = await connect(`${server.url.replace('http', 'ws')}/flood`)
    ws.pause() // a reader that does not read
    await reading.promise
    ws.resume()
    let last = ''
    while (!last.startsWith('settled early')) last = await ws.next()
    expect(Number(last.split(': ')[1])).toBeLessThan(200)
    ws.close()
  })

  it('survives fire-and-forget sends to a client that vanished', async () => {
    const app = new App()
    const gone = Promise.withResolvers<void>()
    app.websocket('/fire', {}, async ({ socket }) => {
      await socket.closed
      for (let i = 0; i < 5; i++) socket.send('into the void') // not awaited: must not become an unhandled rejection
      gone.resolve()
    })
    server = await listen(app, { port: 0 })
    const ws = await connect(`${server.url.replace('http', 'ws')}/fire`)
    ws.terminate()
    await gone.promise
    await new Promise((r) => setImmediate(r))
    await expect(
      connect(`${server.url.replace('http', 'ws')}/fire`).then((w) => w.terminate()),
    ).resolves.toBeUndefined()
  })

  it('closes every WebSocket with 1001 on shutdown', async () => {
    const s = await listen(chat(), { port: 0 })
    const ws = await connect(`${s.url.replace('http', 'ws')}/ws/echo`)
    const code = closedWith(ws)
    await s.close()
    expect(await code).toBe(1001)
  })
})
