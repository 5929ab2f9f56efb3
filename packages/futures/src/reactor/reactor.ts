import { LoopStats } from './loop-stats.ts'
import { TimerWheel, type TimerWheelOptions } from './timer-wheel.ts'

/**
 * What the other packages share per process: one timer wheel for coarse timeouts and the event-loop stats.
 * @example
 * const { timers } = defaultReactor()
 * const idle = timers.schedule(30_000, () => socket.destroy())
 * socket.on('data', () => idle.refresh())
 */
export class Reactor {
  readonly timers: TimerWheel
  #loop: LoopStats | undefined

  constructor(options: { timers?: TimerWheelOptions } = {}) {
    this.timers = new TimerWheel(options.timers)
  }

  /** Event-loop stats, started on first use. */
  get loop(): LoopStats {
    this.#loop ??= new LoopStats()
    return this.#loop
  }

  close(): void {
    this.timers.close()
    this.#loop?.close()
  }
}

let shared: Reactor | undefined

/** The process-wide reactor, created on first use. */
export function defaultReactor(): Reactor {
  shared ??= new Reactor()
  return shared
}
