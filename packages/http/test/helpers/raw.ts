// Raw HTTP/1.1 bytes over a socket, for requests no client library will send (absolute-form targets,
// pipelined garbage, hand-built upgrades). Resolves with everything the server wrote until it closed, or
// until `until` matches what arrived so far.
import { connect } from 'node:net'

export function rawExchange(port: number, bytes: string, until?: (received: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (until?.(received)) {
        socket.destroy()
        resolve(received)
      }
    })
    socket.on('end', () => resolve(received))
    socket.on('close', () => resolve(received))
    socket.on('error', reject)
  })
}

/** How many HTTP responses `raw` holds, by their status lines. */
export function statusLines(raw: string): string[] {
  return raw.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []
}
