// Real sockets for every test: node:http servers on port 0 and clients that collect parsed events,
// with waits on conditions (never on time).
import { once } from 'node:events'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createSession,
  EventStreamParser,
  type ParsedEvent,
  type SessionOptions,
  type SseSession,
} from '../src/index.ts'

export interface TestServer {
  readonly server: http.Server
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = http.createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** Resolves once `check()` is true, re-checking whenever `emitter` emits `event`. */
export function until(check: () => boolean, subscribe: (recheck: () => void) => () => void): Promise<void> {
  if (check()) return Promise.resolve()
  return new Promise((resolve) => {
    const stop = subscribe(() => {
      if (check()) {
        stop()
        resolve()
      }
    })
  })
}

/** An http.get client that parses the body as it arrives. */
export class StreamClient {
  readonly events: ParsedEvent[] = []
  readonly comments: string[] = []
  readonly retries: number[] = []
  /** Body chunks read so far (one per socket read). */
  chunks = 0
  readonly response: Promise<IncomingMessage>
  #res: IncomingMessage | undefined
  readonly #listeners = new Set<() => void>()
  readonly #request: http.ClientRequest
  #ended = false

  constructor(url: string, headers: Record<string, string> = {}) {
    const parser = new EventStreamParser({
      onEvent: (e) => this.events.push(e),
      onComment: (c) => this.comments.push(c),
      onRetry: (ms) => this.retries.push(ms),
    })
    this.#request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false })
    this.#request.on('error', () => {})
    this.response = new Promise((resolve) => {
      this.#request.on('response', (res) => {
        this.#res = res
        res.on('data', (chunk: Buffer) => {
          this.chunks++
          parser.feed(chunk)
          this.#notify()
        })
        res.on('error', () => {})
        res.on('close', () => {
          this.#ended = true
          parser.end()
          this.#notify()
        })
        resolve(res)
      })
    })
  }

  get ended(): boolean {
    return this.#ended
  }

  /** Resolves once the stream satisfies `check` (re-checked on each chunk and at the end). */
  until(check: (client: this) => boolean): Promise<void> {
    return until(
      () => check(this),
      (recheck) => {
        this.#listeners.add(recheck)
        return () => this.#listeners.delete(recheck)
      },
    )
  }

  untilEvents(n: number): Promise<void> {
    return this.until((c) => c.events.length >= n)
  }

  /** Stops reading without closing: the server's writes pile up in the socket buffers. */
  pause(): void {
    this.#res?.pause()
  }

  resume(): void {
    this.#res?.resume()
  }

  /** Vanishes: the socket is destroyed without a goodbye. */
  destroy(): void {
    this.#request.destroy()
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener()
  }
}

/** A server whose every request becomes a session (then `onSession` runs), handed out in arrival order. */
export async function startSessionServer(
  options: SessionOptions = {},
  onSession: (session: SseSession, req: IncomingMessage) => void = () => {},
) {
  const sessions: SseSession[] = []
  const waiters = new Set<() => void>()
  const server = await listen((req, res) => {
    const session = createSession(req, res, options)
    sessions.push(session)
    onSession(session, req)
    for (const w of [...waiters]) w()
  })
  /** The n-th session (0-based), once its request has arrived. */
  const nth = async (n: number) => {
    await until(
      () => sessions.length > n,
      (recheck) => {
        waiters.add(recheck)
        return () => waiters.delete(recheck)
      },
    )
    return sessions[n]!
  }
  return { server, url: server.url, sessions, nth }
}
