// A CPU-bound route on the executor next to a cheap route, over a real socket: the cheap route keeps
// answering while the CPU route's task holds a worker. The task finishes only when the test opens its gate,
// after the cheap answers arrived, so the order is decided by the test, not by timing.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Executor } from '../src/index.ts'
import { flags, open, started, tasks } from './helpers.ts'

const executor = new Executor({ threads: 1 })
const gate = flags(1)
const begun = flags(1)
let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cpu') {
      executor.run(tasks.waitForGate, { gate, started: begun }).then(
        (body) => res.end(body),
        () => res.writeHead(500).end(),
      )
    } else if (req.url === '/cheap') {
      res.end('ok')
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await executor.close()
})

describe('a CPU-bound route on the executor', () => {
  it('leaves the cheap route answering while its task runs', async () => {
    const order: string[] = []
    const cpu = fetch(`${base}/cpu`).then(async (res) => {
      order.push(`cpu ${await res.text()}`)
    })
    await started(begun)
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${base}/cheap`)
      order.push(`cheap ${await res.text()}`)
    }
    expect(executor.stats().running).toBe(1)
    open(gate)
    await cpu
    expect(order).toEqual(['cheap ok', 'cheap ok', 'cheap ok', 'cheap ok', 'cheap ok', 'cpu opened'])
  })
})
