import { describe, expect, it } from 'vitest'
import { defaultReactor, LoopStats, Reactor } from '../src/index.ts'

function blockFor(ms: number) {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // a handler hogging the loop
  }
}

describe('LoopStats', () => {
  // Compared window against window, never against the clock: on a loaded machine a 20 ms timer can fire
  // hundreds of ms late, but a window with a 400 ms block still shows more lag and more busy time than an
  // idle window sampled right after it.
  it('sees the lag and the busy time of a blocked event loop', async () => {
    const stats = new LoopStats({ resolution: 5 })
    await new Promise((r) => setTimeout(r, 20))
    blockFor(400)
    await new Promise((r) => setTimeout(r, 20))
    const blocked = stats.sample()
    await new Promise((r) => setTimeout(r, 200))
    const idle = stats.sample()
    stats.close()
    expect(blocked.delay.max).toBeGreaterThanOrEqual(300) // the block alone holds the timer back that long
    expect(blocked.windowMs).toBeGreaterThanOrEqual(400)
    expect(blocked.utilization).toBeGreaterThan(idle.utilization)
  })

  it('starts a new window at each sample', async () => {
    const stats = new LoopStats({ resolution: 5 })
    await new Promise((r) => setTimeout(r, 20)) // the histogram's timer is running before the block
    blockFor(400)
    await new Promise((r) => setTimeout(r, 10))
    const blocked = stats.sample()
    await new Promise((r) => setTimeout(r, 30))
    const quiet = stats.sample()
    stats.close()
    expect(blocked.delay.max).toBeGreaterThanOrEqual(300)
    expect(quiet.delay.max).toBeLessThan(blocked.delay.max) // the block is not carried into the next window
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
