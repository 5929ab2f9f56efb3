// Child process entry: starts one echo server and prints `{"url": ...}` on its first stdout line; exits
// on SIGTERM or when stdin closes. Usage: node server-process.ts KIND COMPRESSION(0|1)
import { type ServerKind, startServer } from './servers.ts'

const [kind, compression] = process.argv.slice(2)
const server = await startServer(kind as ServerKind, compression === '1')
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`)
const stop = () => void server.close().finally(() => process.exit(0))
process.once('SIGTERM', stop)
process.stdin.on('end', stop).resume()
