// Event-loop health from perf_hooks: delay (lag) from a histogram sampled every `resolution` ms, and
// utilisation (the share of time the loop was busy) since the previous sample.
import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks'

export interface LoopSample {
  /** Event-loop delay over the sampling window, in ms. */
  delay: { min: number; mean: number; p50: number; p99: number; max: number }
  /** Share of the window the loop spent running code, 0..1. */
  utilization: number
  /** Length of the window, in ms. */
  windowMs: number
}

export class LoopStats {
  readonly #histogram: IntervalHistogram
  #elu: EventLoopUtilization
  #since: number

  /** Starts measuring at once. `resolution` is the delay sampling period in ms. @default 10 */
  constructor(options: { resolution?: number } = {}) {
    this.#histogram = monitorEventLoopDelay({ resolution: options.resolution ?? 10 })
    this.#histogram.enable()
    this.#elu = performance.eventLoopUtilization()
    this.#since = performance.now()
  }

  /** Figures since the previous sample (or since construction), then starts a new window. */
  sample(): LoopSample {
    const h = this.#histogram
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0)
    const elu = performance.eventLoopUtilization(this.#elu)
    const now = performance.now()
    const empty = h.count === 0
    const sample: LoopSample = {
      delay: {
        min: empty ? 0 : ms(h.min),
        mean: empty ? 0 : ms(h.mean),
        p50: empty ? 0 : ms(h.percentile(50)),
        p99: empty ? 0 : ms(h.percentile(99)),
        max: empty ? 0 : ms(h.max),
      },
      utilization: elu.utilization,
      windowMs: now - this.#since,
    }
    h.reset()
    this.#elu = performance.eventLoopUtilization()
    this.#since = now
    return sample
  }

  /** Stops the delay histogram. */
  close(): void {
    this.#histogram.disable()
  }
}
