// node:http server for an App with limits on by default, and a graceful close: stop accepting, let
// in-flight requests finish within a deadline, close idle keep-alive sockets, then run shutdown hooks.

import cluster from 'node:cluster'
import { createServer, type Server as HttpServer } from 'node:http'
import {
  createServer as createH2cServer,
  createSecureServer,
  type Http2SecureServer,
  type Http2Server,
} from 'node:http2'
import type { AddressInfo, Server as NetServer, Socket } from 'node:net'
import type { App } from './app.ts'
import { announceListening, listenPrimary, workerPort } from './workers.ts'

export interface ListenOptions {
  port?: number
  host?: string
  /** Largest request head in bytes (431 beyond). @default 16384 */
  maxHeaderSize?: number
  /** Time to receive the request head (slowloris). @default 10_000 ms */
  headersTimeout?: number
  /** Time to receive the whole request. @default 30_000 ms */
  requestTimeout?: number
  /** Idle time before a keep-alive socket is closed. @default 5_000 ms */
  keepAliveTimeout?: number
  /** Deadline on close for in-flight requests, then for the background work of answered ones. @default 10_000 ms */
  shutdownTimeout?: number
  /** Close gracefully on SIGTERM and SIGINT. @default false */
  handleSignals?: boolean
  /** Serve HTTPS: HTTP/2 negotiated by ALPN, with HTTP/1.1 for clients that do not speak it. */
  tls?: { key: string | Buffer; cert: string | Buffer }
  /** Without `tls`: 'h2c' serves cleartext HTTP/2 (prior knowledge) instead of HTTP/1.1. @default 'http1' */
  protocol?: 'http1' | 'h2c'
  /** Processes serving the app, each with its own event loop; a crashed one is restarted. @default 1 */
  workers?: number
}

export interface RunningServer {
  /** The listening server; undefined in the primary of a multi-process server, which only supervises. */
  readonly server: HttpServer | Http2SecureServer | Http2Server | undefined
  /** Processes serving requests. */
  readonly workers: number
  readonly port: number
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string
  /** Graceful close; resolves when every connection is gone and shutdown hooks ran. */
  close(): Promise<void>
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

// The parser rejected the bytes: a broken head, or a body that broke after the request was handed over (a
// malformed chunk). While no byte of a response is on the wire, answer in the same JSON shape and close, as
// node:http's default does; the handler's own answer then goes nowhere. When the broken bytes follow a
// complete request (pipelined), that request's answer goes first and the 400 after it. Otherwise only close.
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: InFlight })._httpMessage
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const [status, reason] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request']
  const body = JSON.stringify({ detail: reason })
  const answer = `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  if (inFlight === undefined || inFlight.writableEnded) {
    socket.end(answer) // nothing in flight, or its answer is already queued on the socket ahead of this one
    return
  }
  if (inFlight.req?.complete === true) {
    // the previous request arrived whole and is still being answered: the error is the next request's
    inFlight.once('finish', () => {
      if (socket.writable) socket.end(answer)
    })
    return
  }
  if (inFlight.headersSent) socket.destroy()
  else socket.end(answer)
}

type InFlight = {
  headersSent: boolean
  writableEnded: boolean
  req?: { complete: boolean }
  once(e: 'finish', fn: () => void): void
}

/**
 * Serves `app` until `close()`. With `workers > 1`, runs that many processes (the primary forks copies of
 * the running script, each of which calls `listen` too) that share the port.
 * @example const server = await listen(app, { port: 8000, workers: 4, handleSignals: true })
 */
export async function listen(app: App, options: ListenOptions = {}): Promise<RunningServer> {
  if ((options.workers ?? 1) > 1 && cluster.isPrimary) return listenPrimary(options)
  await app.startup()
  const server = createNodeServer(app, options)
  const worker = cluster.isWorker ? workerPort() : undefined
  await bind(server, worker ?? options.port ?? 8000, options.host ?? '127.0.0.1', worker !== undefined)
  const { port, address } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  const scheme = options.tls !== undefined ? 'https' : 'http'
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      const deadline = options.shutdownTimeout ?? 10_000
      const started = performance.now()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      const sockets = Promise.all([app.closeWebSockets(1001), app.closeEventStreams()])
      const timer = setTimeout(() => closeAll(server), deadline)
      closeIdle(server)
      await Promise.all([closed, sockets])
      clearTimeout(timer)
      // background work of answered requests gets what is left of the same deadline
      await app.shutdown(Math.max(0, deadline - (performance.now() - started)))
    })()
    return closing
  }
  if (options.handleSignals || worker !== undefined) {
    const onSignal = () => void close().then(() => process.exit(0))
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  if (worker !== undefined) announceListening(close)
  return { server, port, url: `${scheme}://${host}:${port}`, workers: 1, close }
}

// Several processes on one port: SO_REUSEPORT lets the kernel spread connections (Linux, BSDs); where
// the platform refuses it, the cluster primary hands connections out instead.
async function bind(server: NetServer, port: number, host: string, shared: boolean): Promise<void> {
  const attempt = (reusePort: boolean) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ port, host, ...(shared && { reusePort, exclusive: reusePort }) }, () => {
        server.off('error', reject)
        resolve()
      })
    })
  if (!shared) return attempt(false)
  try {
    await attempt(true)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTSUP' && (error as NodeJS.ErrnoException).code !== 'EINVAL')
      throw error
    await attempt(false)
  }
}

function createNodeServer(app: App, options: ListenOptions): HttpServer | Http2SecureServer | Http2Server {
  const handler = app.handler as (req: unknown, res: unknown) => void
  if (options.tls !== undefined) {
    const server = createSecureServer({
      ...options.tls,
      allowHTTP1: true,
      maxSessionMemory: 10,
      settings: { maxHeaderListSize: options.maxHeaderSize ?? 16384 },
    })
    server.on('request', handler)
    server.setTimeout(options.requestTimeout ?? 30_000)
    trackSessions(server)
    return server
  }
  if (options.protocol === 'h2c') {
    const server = createH2cServer({ settings: { maxHeaderListSize: options.maxHeaderSize ?? 16384 } })
    server.on('request', handler)
    server.setTimeout(options.requestTimeout ?? 30_000)
    trackSessions(server)
    return server
  }
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderSize ?? 16384,
      headersTimeout: options.headersTimeout ?? 10_000,
      requestTimeout: options.requestTimeout ?? 30_000,
      keepAliveTimeout: options.keepAliveTimeout ?? 5_000,
      connectionsCheckingInterval: 1_000,
    },
    handler,
  )
  server.on('clientError', onClientError)
  server.on('upgrade', (req, socket, head) => app.handleUpgrade(req, socket, head))
  return server
}

// node:http tracks its keep-alive sockets; an HTTP/2 server has sessions, closed with GOAWAY so their
// open streams finish (a session that completes its handshake after close began is closed on arrival)
function closeIdle(server: NetServer): void {
  if ('closeIdleConnections' in server) (server as HttpServer).closeIdleConnections()
  const tracker = sessionsOf(server)
  if (tracker === undefined) return
  tracker.closing = true
  for (const session of tracker.sessions) session.close()
}

function closeAll(server: NetServer): void {
  if ('closeAllConnections' in server) (server as HttpServer).closeAllConnections()
  for (const session of sessionsOf(server)?.sessions ?? []) session.destroy()
}

const kSessions = Symbol('sessions')
type ClientSession = { close(): void; destroy(): void; once(event: 'close', fn: () => void): void }
type SessionTracker = { sessions: Set<ClientSession>; closing: boolean }

function sessionsOf(server: NetServer): SessionTracker | undefined {
  return (server as NetServer & { [kSessions]?: SessionTracker })[kSessions]
}

function trackSessions(server: Http2Server | Http2SecureServer): void {
  const tracker: SessionTracker = { sessions: new Set(), closing: false }
  ;(server as unknown as { [kSessions]: SessionTracker })[kSessions] = tracker
  server.on('session', (session: ClientSession) => {
    if (tracker.closing) {
      session.close()
      return
    }
    tracker.sessions.add(session)
    session.once('close', () => tracker.sessions.delete(session))
  })
}
