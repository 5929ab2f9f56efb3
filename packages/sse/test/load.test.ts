// 1,000 concurrent event streams on loopback: every client gets the broadcast, and once they all
// vanish every session is closed, unsubscribed, off the timer wheel, and collectable by the GC.
import net from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { TimerWheel } from '@fasterapi/futures'
import { afterEach, describe, expect, it } from 'vitest'
import { Channel, createSession, type SseError } from '../src/index.ts'
import { listen, type TestServer, until } from './helpers.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const CLIENTS = 1000
const WAVE = 250 // connections opened at once, below the listen backlog

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function connect(port: number, marker: string, onMarker: () => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let text = ''
    let seen = false
    socket.once('error', reject)
    socket.once('data', () => resolve(socket)) // the session's first flush
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      if (!seen && text.includes(marker)) {
        seen = true
        onMarker()
      }
    })
    socket.write('GET /events HTTP/1.1\r\nHost: load\r\n\r\n')
  })
}

describe(`${CLIENTS} concurrent clients`, () => {
  it('all receive one broadcast, and leave nothing behind when they vanish', async () => {
    const timers = new TimerWheel()
    const channel = new Channel('load')
    const refs: WeakRef<object>[] = []
    const closed: Promise<SseError>[] = []
    server = await listen((req, res) => {
      const session = createSession(req, res, { timers })
      refs.push(new WeakRef(session))
      closed.push(session.closed.toPromise())
      channel.subscribe(session)
    })
    let delivered = 0
    const sockets: net.Socket[] = []
    const counted = new Set<() => void>()
    const onMarker = () => {
      delivered++
      for (const c of [...counted]) c()
    }
    for (let i = 0; i < CLIENTS; i += WAVE) {
      const wave = Array.from({ length: Math.min(WAVE, CLIENTS - i) }, () =>
        connect(server!.port, 'marker-1', onMarker),
      )
      sockets.push(...(await Promise.all(wave)))
    }
    expect(channel.size).toBe(CLIENTS)
    expect(timers.size).toBe(1) // one keep-alive timer for all of them

    channel.publish({ event: 'all', data: 'hi', id: 'marker-1' })
    await until(
      () => delivered === CLIENTS,
      (recheck) => {
        counted.add(recheck)
        return () => counted.delete(recheck)
      },
    )

    for (const socket of sockets) socket.destroy()
    // the reasons are kept on purpose: a close reason must not keep its session alive
    const reasons = await Promise.all(closed)
    expect(new Set(reasons.map((reason) => reason.code))).toEqual(new Set(['SSE_SESSION_CLOSED']))
    expect(channel.size).toBe(0)
    expect(timers.size).toBe(0)
    const connections = await new Promise<number>((resolve, reject) =>
      server!.server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
    )
    expect(connections).toBe(0)

    // nothing holds a session any more: the GC takes every one of them
    sockets.length = 0
    closed.length = 0
    for (let i = 0; i < 10 && refs.some((r) => r.deref() !== undefined); i++) {
      await new Promise((resolve) => setImmediate(resolve))
      gc()
    }
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0)
    expect(reasons).toHaveLength(CLIENTS)
    timers.close()
  }, 60_000)
})
