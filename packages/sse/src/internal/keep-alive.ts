// Keep-alive for every session of the process on ONE wheel timer per interval: each tick walks the
// sessions and pings those that sent nothing since the previous tick. A per-session timer would cost
// a timer object and a closure on each of thousands of idle clients; the walk costs what the pings
// cost anyway. A session's first ping comes at most one interval after it opened.
import type { TimerWheel, WheelTimer } from '@fasterapi/futures'

export interface KeepAliveMember {
  /** Called on each tick; the member decides whether to ping. */
  _keepAliveTick(): void
}

class KeepAliveGroup {
  readonly #members = new Set<KeepAliveMember>()
  readonly #timer: WheelTimer
  readonly intervalMs: number

  constructor(timers: TimerWheel, intervalMs: number) {
    this.intervalMs = intervalMs
    this.#timer = timers.schedule(intervalMs, this.#tick)
    this.#timer.cancel() // armed by the first member
  }

  get size(): number {
    return this.#members.size
  }

  add(member: KeepAliveMember): void {
    this.#members.add(member)
    if (this.#members.size === 1) this.#timer.refresh()
  }

  delete(member: KeepAliveMember): void {
    if (this.#members.delete(member) && this.#members.size === 0) this.#timer.cancel()
  }

  readonly #tick = (): void => {
    for (const member of this.#members) member._keepAliveTick()
    if (this.#members.size > 0) this.#timer.refresh()
  }
}

const groups = new WeakMap<TimerWheel, Map<number, KeepAliveGroup>>()

/** The group that pings every `intervalMs` on `timers`. */
export function keepAliveGroup(timers: TimerWheel, intervalMs: number): KeepAliveGroup {
  let byInterval = groups.get(timers)
  if (byInterval === undefined) groups.set(timers, (byInterval = new Map()))
  let group = byInterval.get(intervalMs)
  if (group === undefined) byInterval.set(intervalMs, (group = new KeepAliveGroup(timers, intervalMs)))
  return group
}

export type { KeepAliveGroup }
