// The live dashboard: one sampler for every viewer. Twice a second it reads the request counter and the event
// loop's delay and utilization (LoopStats) and sends them to each open event stream.
import { type App, Response } from 'fasterapi'
import { LoopStats } from 'fasterapi/futures'
import type { SseSession } from 'fasterapi/sse'

const TICK_MS = 500

export function dashboard(app: App, page: string): void {
  const viewers = new Set<SseSession>()
  const loop = new LoopStats()
  let requests = 0
  let seq = 0
  let timer: NodeJS.Timeout | undefined

  app.use((_ctx, next) => {
    requests++
    return next()
  })

  const tick = () => {
    const sample = loop.sample()
    const json = {
      requestsPerSecond: Math.round((requests * 1000) / sample.windowMs),
      loopDelayP99Ms: Math.round(sample.delay.p99 * 100) / 100,
      loopUtilization: Math.round(sample.utilization * 1000) / 1000,
      viewers: viewers.size,
    }
    requests = 0
    seq++
    for (const viewer of viewers) viewer.send({ event: 'stats', id: String(seq), json })
  }

  app.onEvent('startup', () => {
    timer = setInterval(tick, TICK_MS)
    timer.unref()
  })
  app.onEvent('shutdown', () => clearInterval(timer))

  app.get('/', { includeInSchema: false }, () => Response.html(page))
  app.sse(
    '/events/stats',
    { name: 'dashboardStats', summary: 'Request rate and event-loop stats, twice a second' },
    ({ sse }) => {
      viewers.add(sse)
      sse.closed.then(() => viewers.delete(sse))
    },
  )
}
