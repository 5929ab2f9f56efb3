// A hashed timer wheel (Varghese & Lauck): many coarse timers (request timeouts, keep-alive pings for
// thousands of connections) share one Node timer. Scheduling, cancelling and refreshing are O(1); each tick
// visits one slot. A timer never fires early and fires at most one tick late (plus event-loop lag).
import { InvalidArgumentError } from '../errors.ts'

export interface TimerWheelOptions {
  /** Resolution in ms: timers fire on tick boundaries. @default 50 */
  tickMs?: number
  /** Slots in the wheel; must be a power of two. One revolution lasts `slots * tickMs`. @default 1024 */
  slots?: number
  /** Clock in ms. @default globalThis.performance.now */
  now?: () => number
  /** Keep the process alive while timers are scheduled. @default false (like `AbortSignal.timeout`) */
  ref?: boolean
  /** Drive the wheel with a Node timer. Off for manual driving with `advance()`. @default true */
  autoStart?: boolean
}

/** One scheduled callback. Also a node of its slot's doubly-linked list. */
export class WheelTimer {
  /** @internal */ _wheel: TimerWheel | undefined
  /** @internal */ _prev: WheelTimer | undefined = undefined
  /** @internal */ _next: WheelTimer | undefined = undefined
  /** @internal tick at or after which it fires */ _due = 0
  /** @internal */ _delay: number
  readonly callback: () => void

  constructor(wheel: TimerWheel, delay: number, callback: () => void) {
    this._wheel = wheel
    this._delay = delay
    this.callback = callback
  }

  /** True until it fires or is cancelled. */
  get active(): boolean {
    return this._wheel !== undefined && this._due >= 0
  }

  /** Stops the timer; a no-op when it already fired or was cancelled. */
  cancel(): void {
    if (this.active) this._wheel!._unlink(this)
    this._due = -1
  }

  /** Restarts the countdown from now (with a new delay if given), also after it fired or was cancelled. */
  refresh(delayMs: number = this._delay): this {
    const wheel = this._wheel
    if (wheel === undefined) return this
    if (this.active) wheel._unlink(this)
    this._delay = delayMs
    wheel._link(this)
    return this
  }
}

export class TimerWheel {
  readonly tickMs: number
  readonly slots: number
  readonly #mask: number
  readonly #heads: (WheelTimer | undefined)[]
  readonly #now: () => number
  readonly #origin: number
  readonly #ref: boolean
  readonly #autoStart: boolean
  #tick = 0 // last tick processed
  #size = 0
  #driver: NodeJS.Timeout | undefined = undefined
  #closed = false

  constructor(options: TimerWheelOptions = {}) {
    const {
      tickMs = 50,
      slots = 1024,
      now = () => globalThis.performance.now(),
      ref = false,
      autoStart = true,
    } = options
    if (!(tickMs > 0)) throw new InvalidArgumentError(`tickMs must be > 0, got ${tickMs}`)
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0) {
      throw new InvalidArgumentError(`slots must be a power of two, got ${slots}`)
    }
    this.tickMs = tickMs
    this.slots = slots
    this.#mask = slots - 1 // slots is a power of two, so `tick & mask` is `tick % slots`
    this.#heads = new Array(slots).fill(undefined)
    this.#now = now
    this.#origin = now()
    this.#ref = ref
    this.#autoStart = autoStart
  }

  /** Number of scheduled timers. */
  get size(): number {
    return this.#size
  }

  /** Calls `callback` once, no sooner than `delayMs` from now. */
  schedule(delayMs: number, callback: () => void): WheelTimer {
    if (this.#closed) throw new InvalidArgumentError('the timer wheel is closed')
    if (!(delayMs >= 0)) throw new InvalidArgumentError(`delay must be >= 0, got ${delayMs}`)
    const timer = new WheelTimer(this, delayMs, callback)
    this._link(timer)
    return timer
  }

  /** Fires every timer due by `now` (the wheel's clock by default). The driver calls this on each tick. */
  advance(now: number = this.#now()): void {
    const target = Math.floor((now - this.#origin) / this.tickMs)
    while (this.#tick < target && this.#size > 0) {
      const tick = ++this.#tick
      const slot = tick & this.#mask
      let timer = this.#heads[slot]
      while (timer !== undefined) {
        const next = timer._next
        if (timer._due <= tick) {
          this._unlink(timer)
          timer._due = -1
          timer.callback()
        }
        timer = next
      }
    }
    if (this.#size === 0) {
      this.#tick = Math.max(this.#tick, target)
      this.#stopDriver()
    }
  }

  /** Cancels every timer and stops the driver. */
  close(): void {
    this.#closed = true
    for (let i = 0; i < this.slots; i++) {
      let timer = this.#heads[i]
      while (timer !== undefined) {
        const next = timer._next
        timer._due = -1
        timer._wheel = undefined
        timer = next
      }
      this.#heads[i] = undefined
    }
    this.#size = 0
    this.#stopDriver()
  }

  /** @internal */
  _link(timer: WheelTimer): void {
    // catch up first so an idle wheel's stale tick does not shorten the new timer
    if (this.#size === 0) this.#tick = Math.floor((this.#now() - this.#origin) / this.tickMs)
    const dueAt = this.#now() - this.#origin + timer._delay
    // first tick boundary at or after the deadline, and always a later tick than the current one
    const due = Math.max(this.#tick + 1, Math.ceil(dueAt / this.tickMs))
    timer._due = due
    const slot = due & this.#mask
    const head = this.#heads[slot]
    timer._prev = undefined
    timer._next = head
    if (head !== undefined) head._prev = timer
    this.#heads[slot] = timer
    if (++this.#size === 1) this.#startDriver()
  }

  /** @internal */
  _unlink(timer: WheelTimer): void {
    const { _prev: prev, _next: next } = timer
    if (prev !== undefined) prev._next = next
    else this.#heads[timer._due & this.#mask] = next
    if (next !== undefined) next._prev = prev
    timer._prev = undefined
    timer._next = undefined
    this.#size--
  }

  #startDriver(): void {
    if (!this.#autoStart || this.#driver !== undefined) return
    this.#driver = setInterval(() => this.advance(), this.tickMs)
    if (!this.#ref) this.#driver.unref()
  }

  #stopDriver(): void {
    if (this.#driver === undefined) return
    clearInterval(this.#driver)
    this.#driver = undefined
  }
}
