// Opens `count` keep-alive connections to `url`, sends one GET / on each, waits for every answer and
// holds the sockets idle. Prints `READY <open>`; answers `count` on stdin with `OPEN <still open>`.
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'

const [url = '', countText = '10000'] = process.argv.slice(2)
const { hostname, port } = new URL(url)
const count = Number(countText)
const BATCH = 250
const sockets: Socket[] = []
let open = 0

function one(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    let answered = false
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`))
    socket.on('data', (chunk: Buffer) => {
      if (answered || !chunk.includes('"hello"')) return
      answered = true
      open++
      sockets.push(socket)
      resolve(true)
    })
    socket.on('error', () => resolve(false))
    socket.on('close', () => {
      if (answered) open--
      else resolve(false)
    })
  })
}

let failed = 0
for (let i = 0; i < count && failed === 0; i += BATCH) {
  const results = await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, one))
  failed += results.filter((ok) => !ok).length
}
process.stdout.write(`READY ${open}\n`)
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line === 'count') process.stdout.write(`OPEN ${open}\n`)
})
lines.on('close', () => {
  for (const s of sockets) s.destroy()
  process.exit(0)
})
