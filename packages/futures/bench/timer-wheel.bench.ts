// Timer wheel vs one Node timer per timeout: schedule 10,000 idle timeouts, refresh each once (traffic
// arrived), cancel them all — the life of keep-alive timers for 10k connections.
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { TimerWheel } from '../src/index.ts'

const N = 10_000
const noop = () => {}
const wheel = new TimerWheel({ tickMs: 100 })

summary(() => {
  group(`${N} timeouts: schedule, refresh once, cancel`, () => {
    bench('TimerWheel', () => {
      const timers = new Array(N)
      for (let i = 0; i < N; i++) timers[i] = wheel.schedule(30_000 + i, noop)
      for (let i = 0; i < N; i++) timers[i].refresh()
      for (let i = 0; i < N; i++) timers[i].cancel()
      do_not_optimize(timers)
    })
    bench('setTimeout per connection', () => {
      const timers = new Array(N)
      for (let i = 0; i < N; i++) timers[i] = setTimeout(noop, 30_000 + i)
      for (let i = 0; i < N; i++) timers[i].refresh()
      for (let i = 0; i < N; i++) clearTimeout(timers[i])
      do_not_optimize(timers)
    })
  })
})

await run()
wheel.close()
