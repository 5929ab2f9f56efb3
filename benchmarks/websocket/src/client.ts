// Load client, run as its own process (pinned to another core than the server by src/index.ts): `clients`
// connections each keep `inflight` messages of `size` bytes in flight against an echo server, sending the
// next one as each echo arrives. Counts echoes over `seconds` after `warmup` and the bytes read and written
// on the sockets, so a frame's wire size shows whether it was deflated (a 64-byte text message is 66 bytes
// uncompressed from the server, 72 masked from the client). Prints JSON lines: {"event":"start"} when the
// measured window opens, then the result. Usage: node client.ts '{"url":...,"clients":64,...}'
import { connect, type createConnection, type NetConnectOpts, type Socket } from 'node:net'
import { WebSocket } from 'ws'

export interface LoadOptions {
  url: string
  clients: number
  inflight: number
  size: number
  binary: boolean
  /** Offer permessage-deflate (the ws client's default, which deflates every message it sends). */
  deflate: boolean
  warmup: number
  seconds: number
}

export interface LoadResult {
  messages: number
  seconds: number
  perSecond: number
  /** Wire bytes per echoed message, server to client and client to server. */
  bytesInPerMessage: number
  bytesOutPerMessage: number
  extensions: string
  errors: number
}

/** A pool of distinct payloads (so deflate with context takeover cannot shrink them to a back-reference). */
export function payloads(size: number, binary: boolean, count = 64): (string | Buffer)[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-_'
  let seed = 0x9e3779b9
  const next = () => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return seed >>> 0
  }
  return Array.from({ length: count }, () => {
    if (binary) return Buffer.from(Array.from({ length: size }, () => next() & 0xff))
    let s = ''
    for (let i = 0; i < size; i++) s += alphabet[next() % alphabet.length]
    return s
  })
}

export async function runLoad(options: LoadOptions, onStart: () => void = () => {}): Promise<LoadResult> {
  const pool = payloads(options.size, options.binary)
  const sockets: Socket[] = []
  let received = 0
  let errors = 0
  const conns = await Promise.all(
    Array.from(
      { length: options.clients },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(options.url, {
            perMessageDeflate: options.deflate,
            maxPayload: 16 * 1024 * 1024,
            createConnection: ((opts: NetConnectOpts) => {
              const socket = connect(opts)
              sockets.push(socket)
              return socket
            }) as typeof createConnection,
          })
          ws.once('open', () => resolve(ws))
          ws.once('error', reject)
        }),
    ),
  )
  const bytes = () => {
    let read = 0
    let written = 0
    for (const s of sockets) {
      read += s.bytesRead
      written += s.bytesWritten
    }
    return { read, written }
  }
  let running = true
  let sent = 0
  let drained = () => {}
  conns.forEach((ws, c) => {
    let i = c
    ws.on('error', () => errors++)
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (data.length !== options.size || isBinary !== options.binary) errors++
      received++
      if (running) {
        ws.send(pool[i++ % pool.length]!)
        sent++
      } else if (received === sent) drained()
    })
    for (let k = 0; k < options.inflight; k++) ws.send(pool[i++ % pool.length]!)
    sent += options.inflight
  })
  await new Promise((r) => setTimeout(r, options.warmup * 1000))
  const start = { received, bytes: bytes(), time: performance.now() }
  onStart()
  await new Promise((r) => setTimeout(r, options.seconds * 1000))
  const end = { received, bytes: bytes(), time: performance.now() }
  running = false
  const messages = end.received - start.received
  const seconds = (end.time - start.time) / 1000
  const extensions = conns[0]!.extensions
  // let the echoes in flight come back, then close cleanly: the servers measured never see a peer vanish
  if (received < sent)
    await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, 2000))])
  await Promise.all(
    conns.map((ws) => {
      const closed = new Promise((r) => ws.once('close', r))
      ws.close()
      return Promise.race([closed, new Promise((r) => setTimeout(r, 1000))])
    }),
  )
  return {
    messages,
    seconds,
    perSecond: messages / seconds,
    bytesInPerMessage: (end.bytes.read - start.bytes.read) / messages,
    bytesOutPerMessage: (end.bytes.written - start.bytes.written) / messages,
    extensions,
    errors,
  }
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2]!) as LoadOptions
  const result = await runLoad(options, () => process.stdout.write(`${JSON.stringify({ event: 'start' })}\n`))
  process.stdout.write(`${JSON.stringify({ event: 'result', ...result })}\n`)
  process.exit(0)
}
