// A plain node:http server with a cheap route and a CPU-bound route (~20 ms of work), run in its own process
// by the responsiveness benchmark: `node src/http-server.ts <mode>`. The mode decides where the CPU route's
// work runs; the cheap route always answers on the main thread. Tells its parent the port over IPC.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Executor } from '@fasterapi/executor'
import { Piscina } from 'piscina'
import { TASKS_URL, tasks } from './impl.ts'
import { CPU_MS, MODES, type Mode } from './load.ts'
import { work } from './tasks.ts'

function offload(mode: Mode): (ms: number) => PromiseLike<number> | number {
  if (mode === 'inline') return work
  if (mode === 'executor' || mode === 'executor-nice-10') {
    const executor = new Executor(mode === 'executor' ? {} : { niceIncrement: 10 })
    return (ms) => executor.run(tasks.work, ms)
  }
  const filename = fileURLToPath(TASKS_URL)
  const piscina =
    mode === 'piscina-defaults'
      ? new Piscina({ filename, name: 'work' })
      : new Piscina({ filename, name: 'work', minThreads: 1, maxThreads: 1 })
  return (ms) => piscina.run(ms)
}

const mode = process.argv[2] as Mode
if (!MODES.includes(mode)) throw new Error(`mode must be one of ${MODES.join(', ')}`)
const runWork = offload(mode)

const server = createServer((req, res) => {
  if (req.url === '/cheap') {
    res.end('ok')
  } else if (req.url === '/cpu') {
    Promise.resolve(runWork(CPU_MS)).then(
      (thread) => res.end(`thread ${thread}`),
      () => res.writeHead(500).end(),
    )
  } else {
    res.writeHead(404).end()
  }
})
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }))
process.on('disconnect', () => process.exit(0))
