// The echo servers under test, each answering on `/echo` with exactly the message it received (text as
// text, binary as binary). `compression` turns permessage-deflate on server-side: plain ws and fastify with
// ws's `perMessageDeflate: true` (which deflates every message, whatever its size), ours with its default
// threshold (1024 bytes); off, none of them negotiates it.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { App, listen } from '@fasterapi/http'
import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import { WebSocketServer } from 'ws'

export const SERVERS = ['ws', 'fastify', 'fasterapi', 'fasterapi-onMessage'] as const
/**
 * Variants that take our WebSocket path apart, piece by piece (`WS_BENCH_SERVERS=ws,ws-string,... pnpm bench`):
 * - ws-string: plain ws, but text decoded to a string and sent back as a string (as WebSocketConnection does)
 * - ws-callback: plain ws, but every send with a callback settling a promise (as WebSocketConnection.send does)
 * - fasterapi-raw-send: ours receiving (onMessage), echoing through the underlying ws without send()'s future
 * - ws-threshold, fasterapi-threshold: plain ws and ours passing `compress: byteLength >= 1024` to each
 *   send, the threshold that ws applies by itself only when server_no_context_takeover was negotiated
 */
export const VARIANTS = [
  'ws-string',
  'ws-callback',
  'fasterapi-raw-send',
  'ws-threshold',
  'fasterapi-threshold',
] as const
export type ServerKind = (typeof SERVERS)[number] | (typeof VARIANTS)[number]

export const LABELS: Record<ServerKind, string> = {
  ws: 'plain ws',
  fastify: 'fastify + @fastify/websocket',
  fasterapi: '@fasterapi/http (for await)',
  'fasterapi-onMessage': '@fasterapi/http (onMessage)',
  'ws-string': 'plain ws, text as string',
  'ws-callback': 'plain ws, send callback + promise',
  'fasterapi-raw-send': '@fasterapi/http (onMessage), raw ws send',
  'ws-threshold': 'plain ws, compress ≥ 1024 B only',
  'fasterapi-threshold': '@fasterapi/http (onMessage), compress ≥ 1024 B only',
}

export interface RunningEcho {
  /** ws://127.0.0.1:PORT/echo */
  url: string
  close(): Promise<void>
}

const MAX_PAYLOAD = 1024 * 1024

export async function startServer(kind: ServerKind, compression: boolean): Promise<RunningEcho> {
  switch (kind) {
    case 'ws':
    case 'ws-string':
    case 'ws-callback':
    case 'ws-threshold': {
      const server = createServer((_req, res) => res.writeHead(404).end())
      const wss = new WebSocketServer({
        server,
        path: '/echo',
        perMessageDeflate: compression,
        maxPayload: MAX_PAYLOAD,
      })
      wss.on('connection', (ws) => {
        if (kind === 'ws') ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }))
        else if (kind === 'ws-string')
          ws.on('message', (data, isBinary) => ws.send(isBinary ? (data as Buffer) : (data as Buffer).toString('utf8')))
        else if (kind === 'ws-threshold')
          ws.on('message', (data, isBinary) => {
            const buffer = data as Buffer
            ws.send(buffer, { binary: isBinary, compress: buffer.length >= 1024 })
          })
        else
          ws.on('message', (data, isBinary) => {
            const { promise, resolve, reject } = Promise.withResolvers<void>()
            ws.send(data as Buffer, { binary: isBinary }, (error) => (error ? reject(error) : resolve()))
            promise.catch(() => {})
          })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      return {
        url: `ws://127.0.0.1:${port}/echo`,
        close: async () => {
          for (const client of wss.clients) client.terminate()
          await new Promise<void>((resolve) => wss.close(() => resolve()))
          await new Promise<void>((resolve) => server.close(() => resolve()))
        },
      }
    }
    case 'fastify': {
      const app = Fastify({ logger: false })
      await app.register(fastifyWebsocket, { options: { perMessageDeflate: compression, maxPayload: MAX_PAYLOAD } })
      await app.register(async (scope) => {
        scope.get('/echo', { websocket: true }, (socket) => {
          socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }))
        })
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = app.server.address() as AddressInfo
      return {
        url: `ws://127.0.0.1:${port}/echo`,
        close: async () => {
          for (const client of app.websocketServer.clients) client.terminate()
          await app.close()
        },
      }
    }
    case 'fasterapi':
    case 'fasterapi-onMessage':
    case 'fasterapi-raw-send':
    case 'fasterapi-threshold': {
      const app = new App()
      const config = { maxPayload: MAX_PAYLOAD, ...(compression ? {} : { compression: false as const }) }
      if (kind === 'fasterapi') {
        app.websocket('/echo', config, async ({ socket }) => {
          for await (const message of socket) socket.send(message)
        })
      } else if (kind === 'fasterapi-onMessage') {
        app.websocket('/echo', config, ({ socket }) => {
          socket.onMessage((message) => socket.send(message))
        })
      } else if (kind === 'fasterapi-raw-send') {
        app.websocket('/echo', config, ({ socket }) => {
          const ws = socket._raw
          socket.onMessage((message) => ws.send(message))
        })
      } else {
        app.websocket('/echo', config, ({ socket }) => {
          const ws = socket._raw
          socket.onMessage((message) =>
            ws.send(message, {
              compress: (typeof message === 'string' ? Buffer.byteLength(message) : message.length) >= 1024,
            }),
          )
        })
      }
      const server = await listen(app, { port: 0 })
      return {
        url: `${server.url.replace('http', 'ws')}/echo`,
        close: async () => {
          for (const socket of app.webSockets) socket._raw.terminate()
          await server.close()
        },
      }
    }
  }
}
