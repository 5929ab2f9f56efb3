// One broadcast run: the server in this process, N clients in a child process (clients.ts). Per round:
// the clients are armed with a fresh id, the event is broadcast, and the clients report when the last
// of them saw it. Time to last byte = that report's hrtime - the hrtime before broadcast(); event-loop
// block = how long broadcast() held this thread; heap per client = heap growth (after gc) / N.
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import type { BroadcastAdapter } from './broadcasters.ts'

export interface BroadcastResult {
  readonly name: string
  readonly clients: number
  /** one entry per round, in ms */
  readonly lastByteMs: number[]
  readonly blockMs: number[]
  readonly heapPerClient: number
}

const gc = (globalThis as { gc?: () => void }).gc

export function startClients(): ChildProcess {
  return fork(new URL('./clients.ts', import.meta.url), [], {
    execArgv: ['--disable-warning=ExperimentalWarning', '--max-old-space-size=2048'],
  })
}

function reply(child: ChildProcess, type: string): Promise<Record<string, string>> {
  return new Promise<Record<string, string>>((resolve) => {
    const onMessage = (m: Record<string, string>) => {
      if (m.type !== type) return
      child.off('message', onMessage)
      resolve(m)
    }
    child.on('message', onMessage)
  })
}

async function ask(child: ChildProcess, message: object, type: string): Promise<Record<string, string>> {
  const answer = reply(child, type)
  child.send(message)
  return answer
}

// lets the server's sockets be accepted and their requests handled (no fixed sleep)
async function settle(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve))
}

async function heapUsed(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

export async function runBroadcast(
  adapter: BroadcastAdapter,
  clients: number,
  rounds: number,
  child: ChildProcess,
): Promise<BroadcastResult> {
  const server = await adapter.start()
  const before = await heapUsed()
  await ask(child, { type: 'connect', port: server.port, n: clients }, 'connected')
  await settle(() => server.connected() === clients)
  const heapPerClient = ((await heapUsed()) - before) / clients
  const lastByte: number[] = []
  const block: number[] = []
  for (let round = 0; round < rounds; round++) {
    const marker = `b${clients}r${round}x${Math.random().toString(36).slice(2, 8)}`
    // no gc() here: a forced full collection right before the broadcast made every adapter's writes
    // several times slower (measured: 10,000-client loop block 30–60 ms with it, 6–7 ms without)
    await ask(child, { type: 'expect', marker }, 'armed')
    const received = reply(child, 'received')
    const start = process.hrtime.bigint()
    server.broadcast(marker)
    block.push(Number(process.hrtime.bigint() - start) / 1e6)
    lastByte.push(Number(BigInt((await received).at!) - start) / 1e6)
  }
  await ask(child, { type: 'disconnect' }, 'disconnected')
  await settle(() => server.connected() === 0)
  await server.close()
  return { name: adapter.name, clients, lastByteMs: lastByte, blockMs: block, heapPerClient }
}

export async function stopClients(child: ChildProcess): Promise<void> {
  child.kill()
  await once(child, 'exit')
}
