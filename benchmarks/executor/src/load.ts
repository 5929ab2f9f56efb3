// Starts the http-server.ts child for a mode and tells where it listens.
import { type ChildProcess, fork } from 'node:child_process'
import { Agent, get } from 'node:http'
import { createHistogram } from 'node:perf_hooks'

/** Milliseconds of CPU work per request on the CPU route. */
export const CPU_MS = 20
/** Where the CPU route's work runs. */
export const MODES = ['inline', 'executor', 'executor-nice-10', 'piscina-defaults', 'piscina-1-thread'] as const
export type Mode = (typeof MODES)[number]

export interface RunningServer {
  url: string
  stop(): void
}

export async function startServer(mode: Mode, execArgv: string[] = []): Promise<RunningServer> {
  const child: ChildProcess = fork(new URL('./http-server.ts', import.meta.url), [mode], {
    execArgv: ['--disable-warning=ExperimentalWarning', ...execArgv],
    stdio: 'inherit',
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`http-server.ts ${mode} exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() }
}

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
  /** Requests without an answer within 10 s. */
  timeouts: number
}

/**
 * Sends GET requests to `url` at a steady rate for `seconds` over keep-alive connections and records each
 * latency with sub-millisecond precision (autocannon's histogram counts whole milliseconds, too coarse for a
 * 3 ms target).
 */
export async function probeLatency(url: string, ratePerSecond: number, seconds: number): Promise<LatencySummary> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const histogram = createHistogram()
  let timeouts = 0
  const one = () =>
    new Promise<void>((resolve) => {
      const start = process.hrtime.bigint()
      const req = get(url, { agent, timeout: 10_000 }, (res) => {
        res.resume()
        res.on('end', () => {
          histogram.record(Math.max(1, Number(process.hrtime.bigint() - start)))
          resolve()
        })
      })
      req.on('timeout', () => {
        timeouts++
        req.destroy()
      })
      req.on('error', () => resolve())
    })
  const pending: Promise<void>[] = []
  const interval = 1000 / ratePerSecond
  const begin = performance.now()
  for (let i = 0; i < ratePerSecond * seconds; i++) {
    const due = begin + i * interval
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    pending.push(one())
  }
  await Promise.all(pending)
  agent.destroy()
  const ms = (ns: number) => ns / 1e6
  return {
    count: histogram.count,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    timeouts,
  }
}
