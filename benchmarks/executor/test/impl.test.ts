// Every adapter and every server mode computes the right thing before anything is timed.
import { afterAll, describe, expect, it } from 'vitest'
import { createAdapters } from '../src/impl.ts'
import { MODES, startServer } from '../src/load.ts'

const adapters = createAdapters()
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()))
})

describe('pool adapters add in a worker', () => {
  for (const adapter of adapters) {
    it(`${adapter.name} returns a + b, one at a time and 1,000 at once`, async () => {
      expect(await adapter.add({ a: 40, b: 2 })).toBe(42)
      const sums = await Promise.all(Array.from({ length: 1_000 }, (_, i) => adapter.add({ a: i, b: 1 })))
      expect(sums).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1))
    })
  }
})

describe('http-server.ts', () => {
  for (const mode of MODES) {
    it(`${mode}: answers the cheap route on the main thread and the CPU route ${mode === 'inline' ? 'inline' : 'in a worker'}`, async () => {
      const server = await startServer(mode, ['--conditions=@fasterapi/source'])
      try {
        expect(await (await fetch(`${server.url}/cheap`)).text()).toBe('ok')
        const cpu = await (await fetch(`${server.url}/cpu`)).text()
        if (mode === 'inline') expect(cpu).toBe('thread 0')
        else expect(cpu).toMatch(/^thread [1-9]\d*$/)
      } finally {
        server.stop()
      }
    })
  }
})
