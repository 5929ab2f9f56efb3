// The primary of `listen({ workers: N })`: forks N copies of the running script (each one's `listen`
// binds the shared port), restarts a worker that dies, and on close asks each to shut down gracefully.
import cluster, { type Worker } from 'node:cluster'
import { type AddressInfo, createServer } from 'node:net'
import type { ListenOptions, RunningServer } from './server.ts'

const PORT_ENV = 'FASTERAPI_WORKER_PORT'
const SHUTDOWN = 'fasterapi:shutdown'
const LISTENING = 'fasterapi:listening'

/** In a worker: the port the primary chose. */
export function workerPort(): number | undefined {
  const value = process.env[PORT_ENV]
  return value === undefined ? undefined : Number(value)
}

/** In a worker: tell the primary we serve, and close gracefully when it asks. */
export function announceListening(close: () => Promise<void>): void {
  process.on('message', (message) => {
    if (message === SHUTDOWN) void close().then(() => process.exit(0))
  })
  process.send?.(LISTENING)
}

async function freePort(host: string): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, host, resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

export async function listenPrimary(options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port === undefined ? 8000 : options.port === 0 ? await freePort(host) : options.port
  const count = options.workers ?? 1
  const live = new Set<Worker>()
  let closing = false
  const fork = () =>
    new Promise<void>((resolve, reject) => {
      // FASTERAPI_PROCESSES lets each worker size its executor pool to its share of the cores
      const worker = cluster.fork({ [PORT_ENV]: String(port), FASTERAPI_PROCESSES: String(count) })
      live.add(worker)
      worker.once('message', (m) => (m === LISTENING ? resolve() : undefined))
      worker.once('exit', (code) => {
        live.delete(worker)
        if (closing) return
        reject(new Error(`worker ${worker.process.pid} exited with ${code} before listening`))
        void fork().catch(() => {}) // a crashed worker is replaced
      })
    })
  await Promise.all(Array.from({ length: count }, fork))
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= (async () => {
      closing = true
      const exits = [...live].map(
        (w) => new Promise((resolve) => (w.isDead() ? resolve(null) : w.once('exit', resolve))),
      )
      for (const worker of live) worker.send(SHUTDOWN)
      const timer = setTimeout(
        () => {
          for (const worker of live) worker.kill('SIGKILL')
        },
        (options.shutdownTimeout ?? 10_000) + 1_000,
      )
      await Promise.all(exits)
      clearTimeout(timer)
    })()
    return closed
  }
  if (options.handleSignals) {
    const onSignal = () => void close().then(() => process.exit(0))
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  const shown = host.includes(':') ? `[${host}]` : host
  return { server: undefined, port, url: `${options.tls ? 'https' : 'http'}://${shown}:${port}`, workers: count, close }
}
