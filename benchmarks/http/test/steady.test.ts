import { afterAll, describe, expect, it } from 'vitest'
import { ServerProcess } from '../src/proc.ts'

describe('the server child process', () => {
  let server: ServerProcess | undefined
  afterAll(() => server?.stop())

  it('reports its CPU time and GC pauses, both growing with the work it does', async () => {
    server = await ServerProcess.start('node')
    const [cpu0, gc0] = [await server.cpu(), await server.gc()]
    const mem = await server.memory() // two full GCs when --expose-gc is on, as it is for every server
    expect(mem.heapUsed).toBeGreaterThan(0)
    const [cpu1, gc1] = [await server.cpu(), await server.gc()]
    expect(cpu1).toBeGreaterThan(cpu0)
    expect(gc1.count).toBeGreaterThanOrEqual(gc0.count + 2)
    expect(gc1.major).toBeGreaterThanOrEqual(gc0.major + 2)
    expect(gc1.ms).toBeGreaterThan(gc0.ms)
  }, 60_000) // spawns a server process on a busy shared machine
})
