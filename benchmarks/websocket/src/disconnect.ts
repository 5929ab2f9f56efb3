// Not timed: does a server survive clients that vanish (TCP reset) with echoes in flight? Plain ws and
// fastify do; ours, with the fire-and-forget `socket.send(m)` of the usual echo handler, exits with an
// unhandled rejection (EPIPE, or "The socket was closed while data was being compressed"): the rejected
// send future nobody awaited is reported like an unhandled Promise rejection.
// Usage: node --conditions=@fasterapi/source src/disconnect.ts KIND [1 for permessage-deflate]
import { WebSocket } from 'ws'
import { type ServerKind, startServer } from './servers.ts'

const kind = process.argv[2] as ServerKind
const deflate = process.argv[3] === '1'
process.on('exit', (code) => console.log(`${kind}${deflate ? ' (deflate)' : ''}: exit code ${code}`))
const server = await startServer(kind, deflate)
for (let round = 0; round < 20; round++) {
  const ws = new WebSocket(server.url, { perMessageDeflate: deflate })
  await new Promise((r) => ws.once('open', r))
  ws.on('message', () => ws.send('x'.repeat(64)))
  for (let i = 0; i < 64; i++) ws.send('x'.repeat(64))
  await new Promise((r) => setTimeout(r, 20))
  ws.terminate()
  await new Promise((r) => setTimeout(r, 20))
}
console.log(`${kind}${deflate ? ' (deflate)' : ''}: survived 20 clients vanishing mid-echo`)
await server.close()
