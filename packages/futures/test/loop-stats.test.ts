import { describe, expect, it } from 'vitest'
import { defaultReactor, LoopStats, Reactor } from '../src/index.ts'

function blockFor(ms: number) {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // a handler hogging the loop
  }
}

describe('LoopStats', () => {
  it('sees the lag and the busy time of a blocked event loop', async () => {
    const stats = new LoopStats({ resolution: 5 })
    await new Promise((r) => setTimeout(r, 20))
    blockFor(120)
    await new Promise((r) => setTimeout(r, 20))
    const s = stats.sample()
    stats.close()
    expect(s.delay.max).toBeGreaterThanOrEqual(80)
    expect(s.utilization).toBeGreaterThan(0.3)
    expect(s.windowMs).toBeGreaterThanOrEqual(150)
  })

  it('starts a new window at each sample', async () => {
    const stats = new LoopStats({ resolution: 5 })
    blockFor(60)
    await new Promise((r) => setTimeout(r, 10))
    stats.sample()
    await new Promise((r) => setTimeout(r, 30))
    const quiet = stats.sample()
    stats.close()
    expect(quiet.delay.max).toBeLessThan(60)
  })
})

describe('Reactor', () => {
  it('shares one reactor per process and exposes its timer wheel', () => {
    expect(defaultReactor()).toBe(defaultReactor())
    const r = new Reactor({ timers: { tickMs: 5 } })
    expect(r.timers.tickMs).toBe(5)
    r.close()
  })
})
