// The client side of the broadcast benchmark, in its own process (so the server's event loop and
// heap hold only the server): N raw TCP clients that each send one GET and watch for a marker.
// Driven by IPC messages from broadcast.ts; times are process.hrtime (CLOCK_MONOTONIC, shared by processes).
import net from 'node:net'

type Command =
  | { type: 'connect'; port: number; n: number }
  | { type: 'expect'; marker: string }
  | { type: 'disconnect' }

interface Client {
  readonly socket: net.Socket
  carry: string
  got: boolean
}

const WAVE = 500 // connections opened at once, below the listen backlog
let clients: Client[] = []
let marker = ''
let received = 0

function send(message: object): void {
  process.send!(message)
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const client: Client = { socket, carry: '', got: false }
    socket.setNoDelay(true)
    socket.once('error', reject)
    socket.write('GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n')
    // the first body bytes (each server flushes something at once) mean the stream is open
    socket.once('data', () => resolve(client))
    socket.on('data', (chunk: Buffer) => {
      if (marker === '' || client.got) return
      const text = client.carry + chunk.toString('latin1')
      if (text.includes(marker)) {
        client.got = true
        if (++received === clients.length) send({ type: 'received', at: String(process.hrtime.bigint()) })
      } else client.carry = text.slice(-marker.length)
    })
  })
}

process.on('disconnect', () => process.exit(0)) // the benchmark ended or died: do not outlive it
process.on('message', async (command: Command) => {
  switch (command.type) {
    case 'connect': {
      for (let i = 0; i < command.n; i += WAVE) {
        const wave = Math.min(WAVE, command.n - i)
        clients.push(...(await Promise.all(Array.from({ length: wave }, () => open(command.port)))))
      }
      send({ type: 'connected' })
      break
    }
    case 'expect':
      marker = command.marker
      received = 0
      for (const c of clients) {
        c.got = false
        c.carry = ''
      }
      send({ type: 'armed' })
      break
    case 'disconnect':
      for (const c of clients) c.socket.destroy()
      clients = []
      marker = ''
      send({ type: 'disconnected' })
      break
  }
})
