// One server per broadcaster behind one interface: each accepts event-stream requests on a
// node:http server and sends one event to every connected client on `broadcast(id)`.
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Channel, createSession, EVENT_STREAM_HEADERS } from '@fasterapi/sse'
import { createSession as createBetterSseSession, createChannel } from 'better-sse'
import { PAYLOAD } from './input.ts'

export interface BroadcastServer {
  readonly port: number
  /** Event streams open now. */
  connected(): number
  /** Sends the fixture event with this id to every open stream, synchronously as far as the library goes. */
  broadcast(id: string): void
  close(): Promise<void>
}

export interface BroadcastAdapter {
  readonly name: string
  /** Byte-identical event to the others (true) or only equal once parsed (false). */
  readonly sameLayout: boolean
  start(): Promise<BroadcastServer>
}

async function serve(
  handler: http.RequestListener,
  rest: Omit<BroadcastServer, 'port' | 'close'>,
): Promise<BroadcastServer> {
  const server = http.createServer(handler)
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 })
  await once(server, 'listening')
  return {
    ...rest,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

const fasterapi: BroadcastAdapter = {
  name: '@fasterapi/sse',
  sameLayout: true,
  async start() {
    const channel = new Channel('bench')
    return serve((req, res) => void channel.subscribe(createSession(req, res)), {
      connected: () => channel.size,
      broadcast: (id) => void channel.publish({ event: 'order', id, json: PAYLOAD }),
    })
  },
}

const betterSse: BroadcastAdapter = {
  name: 'better-sse',
  sameLayout: false,
  async start() {
    const channel = createChannel()
    return serve(
      (req, res) => {
        createBetterSseSession(req, res).then((session) => channel.register(session))
      },
      {
        connected: () => channel.sessionCount,
        broadcast: (id) => void channel.broadcast(PAYLOAD, 'order', { eventId: id }),
      },
    )
  },
}

// the floor: a Set of responses and one string written to each (no keep-alive, no queue, no history),
// with the same response headers as ours, since a proxy-safe event stream needs them (each header line
// is ~128 bytes of heap per client: node keeps the head as a string built by concatenation)
const handWritten: BroadcastAdapter = {
  name: 'hand-written',
  sameLayout: true,
  async start() {
    const clients = new Set<http.ServerResponse>()
    return serve(
      (_req, res) => {
        res.writeHead(200, EVENT_STREAM_HEADERS)
        res.write(':\n\n')
        clients.add(res)
        res.on('close', () => clients.delete(res))
      },
      {
        connected: () => clients.size,
        broadcast: (id) => {
          const text = `event: order\ndata: ${JSON.stringify(PAYLOAD)}\nid: ${id}\n\n`
          for (const res of clients) res.write(text)
        },
      },
    )
  },
}

export const BROADCASTERS: readonly BroadcastAdapter[] = [fasterapi, handWritten, betterSse]
