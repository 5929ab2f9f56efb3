// One run of every adapter (timed with mitata) on the same lookups, then one table: our time per lookup, each
// peer's time as a multiple of ours (> 1 means we are faster), and heap bytes allocated per lookup.
// Run with `pnpm --filter @fasterapi/bench-router bench` (or `pnpm bench` at the root). Each row runs in a
// process of its own (this file again, with `--row <index>`), and the parent prints the table.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { getHeapStatistics } from 'node:v8'
import { do_not_optimize, measure } from 'mitata'
import { ADAPTERS, type Lookup as LookupFn } from './impl.ts'
import {
  CLASSIC,
  CLASSIC_LOOKUPS,
  GITHUB,
  GITHUB_ALL,
  GITHUB_LOOKUPS,
  type Lookup,
  type PathBuffer,
  pathBuffer,
  type RouteDef,
} from './input.ts'

const maybeGc = (globalThis as { gc?: () => void }).gc
if (maybeGc === undefined) throw new Error('run with --expose-gc (the bench script does)')
const gc: () => void = maybeGc

interface Row {
  readonly name: string
  // whether the row's paths are decoded per call (and so its warm-up is too)
  readonly fresh: boolean
  // lookups per timed call, to report per-lookup numbers for the whole-set rows
  readonly per: number
  readonly make: (find: LookupFn) => () => unknown
}

function single(l: Lookup): Row {
  const { method, path } = l
  return { name: l.name, fresh: false, per: 1, make: (find) => () => find(method, path) }
}

// the same lookup with the path decoded from a request buffer per call, as a server sees it: a literal
// string is internalized, and V8 caches split() on internalized strings, which split-based matchers use
function singleFresh(l: Lookup): Row {
  const { method } = l
  const { buffer, starts, ends } = pathBuffer([l])
  const [start, end] = [starts[0]!, ends[0]!]
  return {
    name: `${l.name}, fresh string`,
    fresh: true,
    per: 1,
    make: (find) => () => find(method, buffer.toString('latin1', start, end)),
  }
}

function everyRoute(name: string, lookups: readonly Lookup[]): Row {
  const methods = lookups.map((l) => l.method)
  const paths = lookups.map((l) => l.path)
  return {
    name,
    fresh: false,
    per: lookups.length,
    make: (find) => () => {
      let last: unknown
      for (let i = 0; i < paths.length; i++) last = do_not_optimize(find(methods[i]!, paths[i]!))
      return last
    },
  }
}

// the path decoded from the request buffer inside the loop, as node:http does per request
function everyRouteFresh(name: string, lookups: readonly Lookup[], { buffer, starts, ends }: PathBuffer): Row {
  const methods = lookups.map((l) => l.method)
  return {
    name,
    fresh: true,
    per: lookups.length,
    make: (find) => () => {
      let last: unknown
      for (let i = 0; i < methods.length; i++) {
        last = do_not_optimize(find(methods[i]!, buffer.toString('latin1', starts[i], ends[i])))
      }
      return last
    },
  }
}

// `warm`: every lookup of the set, run before any timing, so that no adapter meets a path for the first
// time inside a timed row (a long-running server has seen all its routes; a generated matcher would
// otherwise pay a deoptimization on each branch it had no feedback for). A fresh-strings row warms up on
// fresh strings: a server never sees an internalized path, and feedback from both kinds of string, left
// by earlier rows in one process, moved rows by up to 1.4x either way, for peers and for us alike. So
// each row gets a process of its own.
const SETS: { routes: readonly RouteDef[]; warm: readonly Lookup[]; rows: Row[] }[] = [
  {
    routes: CLASSIC,
    warm: CLASSIC_LOOKUPS,
    rows: [...CLASSIC_LOOKUPS.map(single), ...CLASSIC_LOOKUPS.map(singleFresh)],
  },
  {
    routes: GITHUB,
    warm: [...GITHUB_ALL, ...GITHUB_LOOKUPS],
    rows: [
      ...GITHUB_LOOKUPS.map(single),
      ...GITHUB_LOOKUPS.map(singleFresh),
      everyRoute('github, every route in turn', GITHUB_ALL),
      everyRouteFresh('github, every route, fresh strings', GITHUB_ALL, pathBuffer(GITHUB_ALL)),
    ],
  },
]
const ROWS = SETS.flatMap((set) => set.rows.map((row) => ({ set, row })))

const noBaseline: LookupFn = () => null
const baseline = everyRouteFresh('decoding the paths alone', GITHUB_ALL, pathBuffer(GITHUB_ALL))

// Bytes allocated per lookup: new-space growth over a loop short enough that no scavenge runs
// (the bench script raises the semi-space size), minus an empty loop's, best of five.
function heapPerLookup(fn: () => unknown, per: number): number {
  const calls = Math.max(1, Math.floor(2000 / per))
  const sample = (f: () => unknown) => {
    gc()
    const before = getHeapStatistics().used_heap_size
    for (let i = 0; i < calls; i++) do_not_optimize(f())
    return getHeapStatistics().used_heap_size - before
  }
  let best = Number.POSITIVE_INFINITY
  for (let t = 0; t < 5; t++) best = Math.min(best, sample(fn) - sample(() => undefined))
  return Math.max(0, best / (calls * per))
}

// Interleaved rounds: every adapter of a row is measured once per round (mitata's measure(), a short
// budget each), and its time is the median over the rounds. Load that comes and goes on a shared
// machine then hits every adapter alike, which one long run per adapter does not.
const ROUNDS = 5
const BUDGET_NS = 20e6
// The clock is this thread's CPU time, not wall time: on two shared cores with other jobs running, wall
// time counts the moments the process sat descheduled, which came and went by 10x between rounds.
// (process.threadCpuUsage is Node >= 23.9; older Nodes fall back to the whole process's CPU time)
const cpuNow = () => {
  const { user, system } = process.threadCpuUsage?.() ?? process.cpuUsage()
  return (user + system) * 1e3
}
const TIMING = { min_cpu_time: BUDGET_NS, gc: false, now: cpuNow } as const
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!

interface Measured {
  // per adapter name: ns per lookup and heap bytes per lookup
  readonly ns: Record<string, number>
  readonly heap: Record<string, number>
}

// The child's work: one row, every adapter.
async function measureRow(index: number): Promise<Measured> {
  if (index === -1) {
    const base = baseline.make(noBaseline)
    const samples: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      samples.push((await measure(() => do_not_optimize(base()), TIMING)).avg / baseline.per)
    }
    return { ns: { '-': median(samples) }, heap: {} }
  }
  const { set, row } = ROWS[index]!
  const finds = ADAPTERS.map((a) => a.build(set.routes))
  const { buffer, starts, ends } = pathBuffer(set.warm)
  const warmUp = (times: number) => {
    for (const find of finds) {
      for (let i = 0; i < times; i++) {
        set.warm.forEach((l, j) => {
          do_not_optimize(find(l.method, row.fresh ? buffer.toString('latin1', starts[j], ends[j]) : l.path))
        })
      }
    }
  }
  const fns = finds.map((find) => row.make(find))
  // V8 optimizes on a background thread: TurboFan took ~240 ms for the largest generated matcher here,
  // on two busy cores, so the first timed rounds of a row ran whichever adapter was still waiting on
  // Maglev code. Pauses let those jobs finish, and the second pass picks up re-optimizations (a
  // caller re-optimized once its callee was), so every adapter is timed in its steady state.
  // The row's own calls run for a while too: a branch the whole set rarely takes gets hot only there.
  const runRow = () => {
    for (const fn of fns) {
      const until = performance.now() + 50
      while (performance.now() < until) for (let i = 0; i < 100; i++) do_not_optimize(fn())
    }
  }
  warmUp(1000)
  runRow()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  warmUp(200)
  runRow()
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const samples = fns.map(() => [] as number[])
  for (let round = 0; round < ROUNDS; round++) {
    gc()
    for (const [i, fn] of fns.entries()) {
      const stats = await measure(() => do_not_optimize(fn()), TIMING)
      samples[i]!.push(stats.avg / row.per)
    }
  }
  const ns: Record<string, number> = {}
  const heap: Record<string, number> = {}
  for (const [i, adapter] of ADAPTERS.entries()) {
    ns[adapter.name] = median(samples[i]!)
    heap[adapter.name] = heapPerLookup(fns[i]!, row.per)
  }
  return { ns, heap }
}

const rowFlag = process.argv.indexOf('--row')
if (rowFlag !== -1) {
  process.stdout.write(JSON.stringify(await measureRow(Number(process.argv[rowFlag + 1]))))
} else {
  // `pnpm bench <regexp>` times only the rows whose name matches
  const only = new RegExp(process.argv[2] ?? '')
  const run = (index: number, env: NodeJS.ProcessEnv = process.env): Measured => {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--row', String(index)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env },
    )
    if (child.status !== 0) throw new Error(`row ${index} exited with ${child.status}`)
    process.stderr.write('.')
    return JSON.parse(child.stdout) as Measured
  }
  const baseline = process.env.ROUTER_BASELINE
  if (baseline !== undefined && baseline !== '') {
    abTest(baseline, only, run)
    process.exit(0)
  }
  const rows = ROWS.flatMap(({ row }, i) => (only.test(row.name) ? [{ row, measured: run(i) }] : []))
  const decoding = run(-1).ns['-']!

  const [ours, ...peers] = ADAPTERS.map((a) => a.name) as [string, ...string[]]
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—')
  const lines = [
    `| lookup | ${ours} ns | best peer | vs best | ${peers.join(' | ')} | heap B/lookup: ours · best peer's |`,
    `|---|---:|---|---:|${peers.map(() => '---:').join('|')}|---:|`,
  ]
  for (const { row, measured } of rows) {
    const mine = measured.ns[ours]!
    const times = peers.map((p) => measured.ns[p]!)
    const best = times.indexOf(Math.min(...times))
    const bestName = peers[best]!
    const ratios = times.map((t) => `${fmt(t / mine, 2)}×`).join(' | ')
    const heap = `${fmt(measured.heap[ours]!, 0)} · ${fmt(measured.heap[bestName]!, 0)}`
    lines.push(
      `| ${row.name} | ${fmt(mine)} | ${bestName} ${fmt(times[best]!)} | ${fmt(times[best]! / mine, 2)}× | ${ratios} | ${heap} |`,
    )
  }
  console.log(
    `\nRouter lookups, ns per lookup (${process.version}); peer columns are peer time / our time, > 1× = we are faster`,
  )
  console.log(`decoding a path from the request buffer alone: ${fmt(decoding)} ns (in the fresh-string rows)\n`)
  console.log(lines.join('\n'))
}

// A/B mode: ROUTER_BASELINE names another build of ours (an earlier commit's dist/index.js). Each row
// runs ours alone, in processes of its own, alternately on this build and on the baseline (AB BA AB …,
// so a drift in the machine's load hits both alike), and the table shows the medians and their ratio.
function abTest(baseline: string, only: RegExp, run: (index: number, env: NodeJS.ProcessEnv) => Measured): void {
  const PAIRS = Number(process.env.AB_PAIRS ?? 4)
  const env = (module: string) => ({ ...process.env, ROUTER_MODULE: module, BENCH_ADAPTERS: '^$' })
  const ns = (index: number, module: string) => run(index, env(module)).ns['@fasterapi/router']!
  const lines = ['| lookup | this build ns | baseline ns | baseline / this build |', '|---|---:|---:|---:|']
  for (const [index, { row }] of ROWS.entries()) {
    if (!only.test(row.name)) continue
    const [ours, base]: [number[], number[]] = [[], []]
    for (let pair = 0; pair < PAIRS; pair++) {
      if (pair % 2 === 0) ours.push(ns(index, ''))
      base.push(ns(index, baseline))
      if (pair % 2 === 1) ours.push(ns(index, ''))
    }
    const [a, b] = [median(ours), median(base)]
    lines.push(`| ${row.name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)}× |`)
  }
  console.log(`\nA/B against ${baseline} (${process.version}): > 1× = this build is faster\n`)
  console.log(lines.join('\n'))
}
