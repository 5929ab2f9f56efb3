// Before any timing: each server must echo exactly what it receives, text as text and binary as binary,
// with and without permessage-deflate, in order. test/validate.test.ts runs this under vitest.
import { connect, type createConnection, type NetConnectOpts, type Socket } from 'node:net'
import { WebSocket } from 'ws'
import { payloads } from './client.ts'
import { type ServerKind, startServer } from './servers.ts'

export type Sample = { data: string | Buffer; binary: boolean }

export const SAMPLES: Sample[] = [
  { data: '', binary: false },
  { data: 'hello', binary: false },
  { data: 'héllo wörld ✓ 🚀 \u0000 end', binary: false },
  ...payloads(64, false, 2).map((data) => ({ data, binary: false })),
  ...payloads(64 * 1024, false, 1).map((data) => ({ data, binary: false })),
  { data: Buffer.alloc(0), binary: true },
  { data: Buffer.from([0, 255, 1, 254, 0xc3, 0x28]), binary: true }, // not UTF-8: must not be decoded
  ...payloads(64, true, 2).map((data) => ({ data, binary: true })),
  ...payloads(64 * 1024, true, 1).map((data) => ({ data, binary: true })),
  ...payloads(300 * 1024, true, 1).map((data) => ({ data, binary: true })),
]

interface Client {
  ws: WebSocket
  socket: Socket
  next(): Promise<{ data: Buffer; binary: boolean }>
}

async function open(url: string, deflate: boolean): Promise<Client> {
  let socket: Socket | undefined
  const ws = new WebSocket(url, {
    perMessageDeflate: deflate,
    createConnection: ((opts: NetConnectOpts) => (socket = connect(opts))) as typeof createConnection,
  })
  const inbox: { data: Buffer; binary: boolean }[] = []
  const waiting: ((m: { data: Buffer; binary: boolean }) => void)[] = []
  ws.on('message', (data: Buffer, binary: boolean) => {
    const m = { data, binary }
    const w = waiting.shift()
    if (w) w(m)
    else inbox.push(m)
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return {
    ws,
    socket: socket!,
    next: () => {
      const m = inbox.shift()
      return m ? Promise.resolve(m) : new Promise((resolve) => waiting.push(resolve))
    },
  }
}

async function close(client: Client): Promise<void> {
  const closed = new Promise((resolve) => client.ws.once('close', resolve))
  client.ws.close()
  await closed
}

/** Sends every sample (all at once, then again one by one) and returns what did not come back exactly. */
export async function validate(
  kind: ServerKind,
  deflate: boolean,
): Promise<{ extensions: string; mismatches: string[] }> {
  const server = await startServer(kind, deflate)
  try {
    const client = await open(server.url, deflate)
    const mismatches: string[] = []
    const check = (sample: Sample, got: { data: Buffer; binary: boolean }, i: number) => {
      const expected = typeof sample.data === 'string' ? Buffer.from(sample.data, 'utf8') : sample.data
      if (got.binary !== sample.binary)
        mismatches.push(`#${i}: sent ${sample.binary ? 'binary' : 'text'}, got ${got.binary ? 'binary' : 'text'}`)
      if (!got.data.equals(expected))
        mismatches.push(`#${i}: sent ${expected.length} bytes, got ${got.data.length} different ones`)
    }
    for (const sample of SAMPLES) client.ws.send(sample.data, { binary: sample.binary })
    for (const [i, sample] of SAMPLES.entries()) check(sample, await client.next(), i)
    for (const [i, sample] of SAMPLES.entries()) {
      client.ws.send(sample.data, { binary: sample.binary })
      check(sample, await client.next(), i)
    }
    const extensions = client.ws.extensions
    await close(client)
    return { extensions, mismatches }
  } finally {
    await server.close()
  }
}

/**
 * The wire size of the server's echo of one `size`-byte compressible text message with permessage-deflate
 * negotiated, and the size it would have uncompressed: equal means the server did not deflate it.
 */
export async function echoWireSize(kind: ServerKind, size: number): Promise<{ wire: number; uncompressed: number }> {
  const server = await startServer(kind, true)
  try {
    const client = await open(server.url, true)
    const message = 'a'.repeat(size)
    client.ws.send(message) // first message: deflate state warmed up, not measured
    await client.next()
    const before = client.socket.bytesRead
    client.ws.send(message)
    await client.next()
    const wire = client.socket.bytesRead - before
    await close(client)
    return { wire, uncompressed: size + (size < 126 ? 2 : size < 65536 ? 4 : 10) }
  } finally {
    await server.close()
  }
}
