// The HTTP benchmark: for each scenario, every server in its own fresh process pinned to core 0, checked
// for the right answers, then loaded in turn from core 1 (wrk -t1 -c64): 1 s warm-up, then 5 interleaved
// rounds of 1 s; the median round by req/s is reported (robust to a burst of background load on these
// shared cores, or to a lucky quiet second), with the server's least CPU time per request over the rounds. Then the idle keep-alive memory check. Prints markdown tables.
//
//   pnpm bench [--duration 5] [--rounds 5] [--warmup 1] [--connections 64] [--scenarios hello,users]
//              [--servers node,fasterapi] [--idle 10000] [--skip-load] [--skip-memory]
//              [--generator wrk|autocannon] [--baseline <checkout root>]
// --baseline adds "FasterAPI (baseline checkout)": the same app from another checkout's @fasterapi/http (e.g.
// `git archive <commit> | tar -x -C /tmp/base`, node_modules linked as in this one), loaded in the same rounds.
import { request } from 'node:http'
import { availableParallelism, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { chooseGenerator, cleanUp, type LoadResult, load } from './load.ts'
import { hardFdLimit, Lines, NODE_FLAGS, PINNED, pin, ServerProcess, script, spawnRaised } from './proc.ts'
import { SCENARIOS } from './scenarios.ts'
import { BASELINE_ROOT, DEFAULT_SERVERS, isServerName, LABELS, PEERS, type ServerName } from './servers/index.ts'
import { checkServer } from './validate.ts'

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '64' },
    scenarios: { type: 'string' },
    servers: { type: 'string' },
    idle: { type: 'string', default: '10000' },
    'skip-load': { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    generator: { type: 'string' },
    baseline: { type: 'string' },
  },
})

const seconds = Number(opts.duration)
const warmup = Number(opts.warmup)
const rounds = Math.max(1, Number(opts.rounds))
const roundSeconds = Math.max(1, Math.round(seconds / rounds))
const connections = Number(opts.connections)
if (opts.baseline !== undefined) process.env[BASELINE_ROOT] = opts.baseline // the server children inherit it
const servers = (
  opts.servers?.split(',') ?? [...DEFAULT_SERVERS, ...(opts.baseline === undefined ? [] : ['baseline'])]
).filter(isServerName)
const scenarios = SCENARIOS.filter((s) => opts.scenarios === undefined || opts.scenarios.split(',').includes(s.name))

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US')
const fmtMs = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1))
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}×`

interface Measured extends LoadResult {
  /** server CPU time (user + system) per answered request, µs: the least disturbed round */
  cpu: number
}

/** The fastest peer by req/s, and by CPU per request. */
function bestPeers(row: Map<ServerName, Measured>): { rps?: [ServerName, Measured]; cpu?: [ServerName, Measured] } {
  let rps: [ServerName, Measured] | undefined
  let cpu: [ServerName, Measured] | undefined
  for (const peer of PEERS) {
    const r = row.get(peer)
    if (r === undefined) continue
    if (rps === undefined || r.rps > rps[1].rps) rps = [peer, r]
    if (cpu === undefined || r.cpu < cpu[1].cpu) cpu = [peer, r]
  }
  return { ...(rps && { rps }), ...(cpu && { cpu }) }
}

async function benchLoad(): Promise<void> {
  const generator = chooseGenerator(opts.generator)
  console.log(
    `load: ${generator}, 1 thread, ${connections} connections; per server per scenario ${warmup} s warm-up, then ` +
      `${rounds} interleaved rounds of ${roundSeconds} s (median round reported); ` +
      (PINNED ? 'server pinned to core 0, load generator to core 1' : 'NOT pinned (needs taskset and 2 cores)'),
  )
  const results = new Map<string, Map<ServerName, Measured>>()
  for (const scenario of scenarios) {
    const row = new Map<ServerName, Measured>()
    results.set(scenario.name, row)
    // every server of the scenario up at once (idle ones cost nothing), checked, warmed, then loaded in
    // interleaved rounds (A B C, C B A, …) so a burst of background load hits them alike
    const running = new Map<ServerName, ServerProcess>()
    const byServer = new Map<ServerName, Measured[]>(servers.map((name) => [name, []]))
    try {
      for (const name of servers) running.set(name, await ServerProcess.start(name))
      for (const [name, server] of running) {
        const failures = await checkServer(server.url)
        if (failures.length > 0) throw new Error(`${name} answers wrong:\n  ${failures.join('\n  ')}`)
        if (warmup > 0) await load(generator, server.url, scenario, { seconds: warmup, connections })
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? servers : [...servers].reverse()
        for (const name of order) {
          const server = running.get(name)!
          const cpuBefore = await server.cpu()
          const r = await load(generator, server.url, scenario, { seconds: roundSeconds, connections })
          const cpu = (await server.cpu()) - cpuBefore
          const perRequest = r.requests > 0 ? cpu / r.requests : Number.POSITIVE_INFINITY
          byServer.get(name)!.push({ ...r, cpu: perRequest })
        }
      }
    } finally {
      for (const server of running.values()) await server.stop()
    }
    for (const [name, measured] of byServer) {
      const sorted = [...measured].sort((a, b) => a.rps - b.rps)
      const median = sorted[Math.floor(sorted.length / 2)]!
      const errors = measured.reduce((sum, m) => sum + m.errors, 0)
      row.set(name, { ...median, errors, cpu: Math.min(...measured.map((m) => m.cpu)) })
    }
    for (const name of servers) {
      const r = row.get(name)!
      console.log(
        `  ${scenario.name.padEnd(8)} ${LABELS[name].padEnd(26)} ${fmtInt(r.rps).padStart(8)} req/s` +
          `  p50 ${fmtMs(r.p50)} ms  p99 ${fmtMs(r.p99)} ms  CPU ${r.cpu.toFixed(1)} µs/req` +
          (r.errors > 0 ? `  ${r.errors} errors` : ''),
      )
    }
  }
  console.log(
    '\n| scenario | server | req/s | p50 ms | p99 ms | CPU µs/req | req/s × node:http | req/s × best peer | CPU × node:http | CPU × best peer |' +
      '\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  )
  const verdicts: string[] = []
  for (const scenario of scenarios) {
    const row = results.get(scenario.name)!
    const raw = row.get('node')
    const best = bestPeers(row)
    for (const [name, r] of row) {
      const errors = r.errors > 0 ? ` (${r.errors} errors)` : ''
      console.log(
        `| ${scenario.title} | ${LABELS[name]}${errors} | ${fmtInt(r.rps)} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)} | ` +
          `${r.cpu.toFixed(1)} | ${ratio(r.rps, raw?.rps)} | ${ratio(r.rps, best.rps?.[1].rps)} | ` +
          // CPU ratios as efficiency: > 1 means fewer CPU µs per request than the reference
          `${ratio(raw?.cpu, r.cpu)} | ${ratio(best.cpu?.[1].cpu, r.cpu)} |`,
      )
    }
    const ours = row.get('fasterapi')
    if (ours !== undefined && raw !== undefined && best.rps !== undefined) {
      const [peer, p] = best.rps
      const ok = ours.rps >= 0.9 * raw.rps && ours.rps > p.rps && ours.p99 <= p.p99
      verdicts.push(
        `${ok ? 'MET   ' : 'MISSED'} ${scenario.title}: ${ratio(ours.rps, raw.rps)} node:http (target ≥ 0.90×), ` +
          `${ratio(ours.rps, p.rps)} best peer ${LABELS[peer]} (target > 1), p99 ${fmtMs(ours.p99)} vs ${fmtMs(p.p99)} ms; ` +
          `CPU per request ${ratio(raw.cpu, ours.cpu)} node:http, ${ratio(best.cpu?.[1].cpu, ours.cpu)} best peer`,
      )
    }
  }
  if (verdicts.length > 0)
    console.log(
      `\nIssue 5 targets for FasterAPI (req/s and p99 decide; CPU ratios are the noise-proof view):\n${verdicts.join('\n')}`,
    )
}

// a few hundred requests on one keep-alive connection, so the baseline has the request path warm
async function warm(url: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve, reject) => {
      request(`${url}/`, (res) => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
  }
}

async function idleMemory(name: ServerName, count: number): Promise<{ open: number; rss: number; heap: number }> {
  const server = await ServerProcess.start(name, 600_000)
  try {
    await warm(server.url, 300)
    const before = await server.memory()
    const client = spawnRaised([
      ...pin(1),
      process.execPath,
      ...NODE_FLAGS,
      script('./idle-client.ts'),
      server.url,
      String(count),
    ])
    const lines = new Lines(client, 'idle client')
    try {
      const opened = Number(await lines.next('READY', 120_000))
      await new Promise((resolve) => setTimeout(resolve, 500))
      const after = await server.memory()
      const stillOpen = lines.next('OPEN')
      client.stdin!.write('count\n')
      const open = Math.min(opened, Number(await stillOpen))
      const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external
      return { open, rss: (after.rss - before.rss) / open, heap: (heapOf(after) - heapOf(before)) / open }
    } finally {
      client.stdin!.end()
      await new Promise((resolve) => (client.exitCode === null ? client.once('exit', resolve) : resolve(null)))
    }
  } finally {
    await server.stop()
  }
}

async function benchMemory(): Promise<void> {
  const limit = hardFdLimit() - 200
  const count = Math.min(Number(opts.idle), limit)
  if (count < Number(opts.idle)) console.log(`\nthe fd hard limit allows ${count} idle connections, not ${opts.idle}`)
  console.log(`\n| idle keep-alive connections | held | RSS per connection | heap + external per connection |`)
  console.log('| --- | ---: | ---: | ---: |')
  const memoryServers = servers.filter((s): s is 'node' | 'fastify' | 'fasterapi' =>
    ['node', 'fastify', 'fasterapi'].includes(s),
  )
  for (const name of memoryServers) {
    const m = await idleMemory(name, count)
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
    console.log(`| ${LABELS[name]} | ${fmtInt(m.open)} | ${kib(m.rss)} | ${kib(m.heap)} |`)
  }
}

const started = Date.now()
const showLoad = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')
console.log(
  `load average at start: ${showLoad()} on ${availableParallelism()} cores${loadavg()[0]! > 1.5 ? ' (busy machine: expect noise)' : ''}`,
)
if (!opts['skip-load']) await benchLoad().finally(cleanUp)
if (!opts['skip-memory']) await benchMemory()
console.log(
  `\nNode ${process.version}, ${((Date.now() - started) / 1000).toFixed(0)} s, load average at end: ${showLoad()}. Shared cores: compare ratios within one run, not absolute numbers across runs.`,
)
