import { afterEach, describe, expect, it, vi } from 'vitest'
import { TimerWheel } from '../src/index.ts'

function manualWheel(tickMs = 10, slots = 8) {
  const clock = { now: 0 }
  const wheel = new TimerWheel({ tickMs, slots, now: () => clock.now, autoStart: false })
  const step = (until: number) => {
    // drive the wheel 1 ms at a time, like a loop that wakes often
    while (clock.now < until) {
      clock.now++
      wheel.advance()
    }
  }
  return { wheel, clock, step }
}

describe('TimerWheel', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('fires every timer no sooner than its delay and less than one tick after', () => {
    const { wheel, clock, step } = manualWheel(10, 8)
    const delays = [0, 1, 9, 10, 11, 55, 79, 80, 81, 250, 1_000]
    const fired = new Map<number, number>()
    for (const d of delays) wheel.schedule(d, () => fired.set(d, clock.now))
    step(1_100)
    for (const d of delays) {
      const at = fired.get(d)
      expect(at, `timer ${d}`).toBeDefined()
      expect(at!).toBeGreaterThanOrEqual(d)
      expect(at! - d).toBeLessThanOrEqual(10)
    }
    expect(wheel.size).toBe(0)
  })

  it('keeps timers longer than one revolution until their own round', () => {
    const { wheel, clock, step } = manualWheel(10, 4) // one revolution = 40 ms
    let at = -1
    wheel.schedule(135, () => {
      at = clock.now
    })
    step(130)
    expect(at).toBe(-1)
    step(150)
    expect(at).toBeGreaterThanOrEqual(135)
    expect(at).toBeLessThanOrEqual(145)
  })

  it('never fires a cancelled timer and counts only live ones', () => {
    const { wheel, step } = manualWheel()
    const calls: string[] = []
    const a = wheel.schedule(20, () => calls.push('a'))
    wheel.schedule(20, () => calls.push('b'))
    expect(wheel.size).toBe(2)
    a.cancel()
    a.cancel()
    expect(wheel.size).toBe(1)
    expect(a.active).toBe(false)
    step(100)
    expect(calls).toEqual(['b'])
  })

  it('restarts the countdown on refresh, like an idle timeout fed by traffic', () => {
    const { wheel, clock, step } = manualWheel()
    let firedAt = -1
    const idle = wheel.schedule(50, () => {
      firedAt = clock.now
    })
    step(40)
    idle.refresh()
    step(80)
    expect(firedAt).toBe(-1)
    step(200)
    expect(firedAt).toBeGreaterThanOrEqual(90)
    expect(firedAt).toBeLessThanOrEqual(100)
    idle.refresh(5) // re-arms a fired timer
    expect(idle.active).toBe(true)
  })

  it('runs 10,000 timers on one Node timer and fires each once', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] })
    const wheel = new TimerWheel({ tickMs: 10 })
    let fired = 0
    for (let i = 0; i < 10_000; i++) wheel.schedule(i % 500, () => fired++)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(600)
    expect(fired).toBe(10_000)
    expect(wheel.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
    wheel.close()
  })

  it('refuses a slot count that is not a power of two', () => {
    expect(() => new TimerWheel({ slots: 100 })).toThrow(/power of two/)
  })
})
