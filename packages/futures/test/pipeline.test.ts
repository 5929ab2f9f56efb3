import { describe, expect, it } from 'vitest'
import { Pipeline } from '../src/index.ts'

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms))

describe('Pipeline', () => {
  it('applies the stages in order and keeps input order', async () => {
    const p = Pipeline.of<number>()
      .pipe(
        async (x) => {
          await tick(5 - x)
          return x * 2
        },
        { concurrency: 4 },
      )
      .filter((x) => x % 3 !== 0)
      .pipe((x) => `#${x}`)
    expect(await p.collect([1, 2, 3, 4])).toEqual(['#2', '#4', '#8'])
  })

  it('bounds each stage by its own concurrency', async () => {
    const peaks = [0, 0]
    const active = [0, 0]
    const track = (stage: 0 | 1) => async (x: number) => {
      active[stage]!++
      peaks[stage] = Math.max(peaks[stage]!, active[stage]!)
      await tick(1)
      active[stage]!--
      return x
    }
    const p = Pipeline.of<number>().pipe(track(0), { concurrency: 3 }).pipe(track(1), { concurrency: 1 })
    await p.collect(Array.from({ length: 12 }, (_, i) => i))
    expect(peaks[0]).toBeLessThanOrEqual(3)
    expect(peaks[0]).toBeGreaterThan(1)
    expect(peaks[1]).toBe(1)
  })

  it('stops every stage on the first failure and aborts their signals', async () => {
    let abortedInFirstStage = false
    const p = Pipeline.of<number>()
      .pipe(
        (x, _i, signal) =>
          new Promise<number>((resolve) => {
            signal.addEventListener('abort', () => {
              abortedInFirstStage = true
            })
            setTimeout(() => resolve(x), x === 0 ? 1 : 30)
          }),
        { concurrency: 4 },
      )
      .pipe((x) => {
        if (x === 0) throw new Error('stage 2 broke')
        return x
      })
    await expect(p.collect([0, 1, 2, 3])).rejects.toThrow('stage 2 broke')
    expect(abortedInFirstStage).toBe(true)
  })

  it('aborts the work in flight when the consumer breaks out of the loop', async () => {
    let aborted = 0
    const p = Pipeline.of<number>().pipe(
      (x, _i, signal) => {
        signal.addEventListener('abort', () => aborted++)
        return x === 0 ? x : tick(20).then(() => x)
      },
      { concurrency: 3 },
    )
    for await (const x of p.run([0, 1, 2, 3])) {
      expect(x).toBe(0)
      break
    }
    expect(aborted).toBeGreaterThan(0)
  })

  it('rejects with the abort reason when the caller aborts', async () => {
    const controller = new AbortController()
    const p = Pipeline.of<number>().pipe((x) => tick(20).then(() => x))
    const r = p.collect([1, 2, 3], { signal: controller.signal })
    controller.abort(new Error('halt'))
    await expect(r).rejects.toThrow('halt')
  })
})
