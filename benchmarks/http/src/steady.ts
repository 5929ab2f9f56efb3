// The steady-state run (issue 18): each server, fresh in its own process pinned to core 0, is checked,
// warmed, then loaded without a pause for `--seconds` (60) in back-to-back wrk runs of `--window` (5) s
// from core 1; every window reports req/s, the server's CPU µs per request, its share of core 0 (below
// ~90 % another process took the core: that window measures the machine, not the server) and its GC
// pauses. A server that falls into a slow phase shows it as a window far below its median.
//
//   node --conditions=@fasterapi/source src/steady.ts [--scenario items] [--servers node,fasterapi,fastify,hono]
//        [--seconds 60] [--window 5] [--warmup 5] [--connections 64] [--flags "--single-threaded-gc"]
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { chooseGenerator, cleanUp, load } from './load.ts'
import { PINNED, ServerProcess } from './proc.ts'
import { SCENARIOS } from './scenarios.ts'
import { BASELINE_ROOT, isServerName, LABELS, type ServerName } from './servers/index.ts'
import { checkServer } from './validate.ts'

const { values: opts } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'items' },
    servers: { type: 'string', default: 'node,fasterapi,fastify,hono' },
    seconds: { type: 'string', default: '60' },
    window: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '64' },
    flags: { type: 'string', default: '' },
    generator: { type: 'string' },
    baseline: { type: 'string' },
  },
})

export interface Window {
  rps: number
  /** server CPU µs per answered request */
  cpu: number
  /** server CPU time / wall time of the window: ~1 when the server had core 0 to itself and was saturated */
  share: number
  /** GC pause time in the window, ms */
  gcMs: number
  errors: number
}

if (opts.baseline !== undefined) process.env[BASELINE_ROOT] = opts.baseline // add `baseline` to --servers
const scenario = SCENARIOS.find((s) => s.name === opts.scenario)
if (scenario === undefined) throw new Error(`no scenario ${opts.scenario}`)
const servers = opts.servers.split(',').filter(isServerName)
const windowSeconds = Math.max(1, Number(opts.window))
const windows = Math.max(1, Math.round(Number(opts.seconds) / windowSeconds))
const connections = Number(opts.connections)
const flags = opts.flags.split(' ').filter((f) => f !== '')
const generator = chooseGenerator(opts.generator)

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US')

async function steady(name: ServerName): Promise<Window[]> {
  const server = await ServerProcess.start(name, undefined, flags)
  try {
    const failures = await checkServer(server.url)
    if (failures.length > 0) throw new Error(`${name} answers wrong:\n  ${failures.join('\n  ')}`)
    await load(generator, server.url, scenario!, { seconds: Number(opts.warmup), connections })
    const out: Window[] = []
    for (let i = 0; i < windows; i++) {
      const [cpu0, gc0, t0] = [await server.cpu(), await server.gc(), performance.now()]
      const r = await load(generator, server.url, scenario!, { seconds: windowSeconds, connections })
      const [cpu1, gc1, t1] = [await server.cpu(), await server.gc(), performance.now()]
      out.push({
        rps: r.rps,
        cpu: r.requests > 0 ? (cpu1 - cpu0) / r.requests : Number.POSITIVE_INFINITY,
        share: (cpu1 - cpu0) / 1000 / (t1 - t0),
        gcMs: gc1.ms - gc0.ms,
        errors: r.errors,
      })
      console.error(
        `  ${LABELS[name]} window ${i + 1}/${windows}: ${fmtInt(r.rps)} req/s, ${out[i]!.cpu.toFixed(1)} µs/req, core ${(out[i]!.share * 100).toFixed(0)} %`,
      )
    }
    return out
  } finally {
    await server.stop()
  }
}

console.log(
  `steady state: ${scenario.title}, ${generator} 1 thread ${connections} connections, per server ${opts.warmup} s warm-up then ` +
    `${windows} windows of ${windowSeconds} s back to back; ${PINNED ? 'server on core 0, load on core 1' : 'NOT pinned'}; ` +
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}${flags.length > 0 ? `; server flags ${flags.join(' ')}` : ''}`,
)
const results = new Map<ServerName, Window[]>()
try {
  for (const name of servers) results.set(name, await steady(name))
} finally {
  cleanUp()
}

console.log(`\n| server | ${Array.from({ length: windows }, (_, i) => `${(i + 1) * windowSeconds} s`).join(' | ')} |`)
console.log(`| --- | ${'---: | '.repeat(windows).trim()}`)
for (const [name, ws] of results) console.log(`| ${LABELS[name]} req/s | ${ws.map((w) => fmtInt(w.rps)).join(' | ')} |`)
for (const [name, ws] of results)
  console.log(`| ${LABELS[name]} CPU µs/req | ${ws.map((w) => w.cpu.toFixed(1)).join(' | ')} |`)
for (const [name, ws] of results)
  console.log(`| ${LABELS[name]} core 0 share | ${ws.map((w) => `${(w.share * 100).toFixed(0)} %`).join(' | ')} |`)

const raw = results.get('node')
console.log(
  '\n| server | median req/s | slowest window × median | fastest window × median | median CPU µs/req | slowest CPU window × median | GC ms per window (median) | errors | median req/s × node:http | median CPU × node:http |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [name, ws] of results) {
  const rps = median(ws.map((w) => w.rps))
  const cpu = median(ws.map((w) => w.cpu))
  const rawRps = raw && median(raw.map((w) => w.rps))
  const rawCpu = raw && median(raw.map((w) => w.cpu))
  console.log(
    `| ${LABELS[name]} | ${fmtInt(rps)} | ${(Math.min(...ws.map((w) => w.rps)) / rps).toFixed(2)}× | ` +
      `${(Math.max(...ws.map((w) => w.rps)) / rps).toFixed(2)}× | ${cpu.toFixed(1)} | ` +
      `${(Math.max(...ws.map((w) => w.cpu)) / cpu).toFixed(2)}× | ${median(ws.map((w) => w.gcMs)).toFixed(0)} | ` +
      `${ws.reduce((s, w) => s + w.errors, 0)} | ${rawRps ? `${(rps / rawRps).toFixed(2)}×` : '–'} | ` +
      // efficiency: > 1 means fewer CPU µs per request than raw node:http
      `${rawCpu ? `${(rawCpu / cpu).toFixed(2)}×` : '–'} |`,
  )
}
console.log(
  `\nload average at end: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}. A window whose core 0 share is well below 100 % had the core taken by another process.`,
)
