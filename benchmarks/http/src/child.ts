// One server in its own process: `node child.ts <server> [keepAliveTimeoutMs]`. Prints `READY <url>`,
// then answers `mem` on stdin with `MEM <json>` (after two full GCs when --expose-gc is on), `cpu` with
// `CPU <µs of user + system time so far>`, `gc` with `GC <pauses> <ms paused> <of them full (mark-compact)>`
// so far, and exits on `close` or when stdin ends.
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { isServerName, loadServer } from './servers/index.ts'

const [name = '', keepAlive] = process.argv.slice(2)
if (!isServerName(name)) {
  console.error(`unknown server ${JSON.stringify(name)}`)
  process.exit(2)
}
const server = await (await loadServer(name))(0, keepAlive ? { keepAliveTimeout: Number(keepAlive) } : {})
process.stdout.write(`READY ${server.url}\n`)

const gc = (globalThis as { gc?: () => void }).gc
// GC pauses as the process sees them (the same for every server; one observer callback per batch of entries)
const pauses = { count: 0, ms: 0, major: 0 }
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pauses.count++
    pauses.ms += entry.duration
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) pauses.major++
  }
}).observe({ entryTypes: ['gc'] })
let closing = false
const close = async () => {
  if (closing) return
  closing = true
  await Promise.race([server.close(), new Promise((resolve) => setTimeout(resolve, 2_000))])
  process.exit(0)
}
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  if (line === 'mem') {
    gc?.()
    gc?.()
    process.stdout.write(`MEM ${JSON.stringify(process.memoryUsage())}\n`)
  } else if (line === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.stdout.write(`CPU ${user + system}\n`)
  } else if (line === 'gc') process.stdout.write(`GC ${pauses.count} ${pauses.ms.toFixed(3)} ${pauses.major}\n`)
  else if (line === 'close') void close()
})
lines.on('close', () => void close())
