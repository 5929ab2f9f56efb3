// One run of every adapter (timed with mitata) on the same lookups, then one table: our time per lookup, each
// peer's time as a multiple of ours (> 1 means we are faster), and heap bytes allocated per lookup.
// Run with `pnpm --filter @fasterapi/bench-router bench` (or `pnpm bench` at the root).
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
  // lookups per timed call, to report per-lookup numbers for the whole-set rows
  readonly per: number
  readonly make: (find: LookupFn) => () => unknown
}

function single(l: Lookup): Row {
  const { method, path } = l
  return { name: l.name, per: 1, make: (find) => () => find(method, path) }
}

// the same lookup with the path decoded from a request buffer per call, as a server sees it: a literal
// string is internalized, and V8 caches split() on internalized strings, which split-based matchers use
function singleFresh(l: Lookup): Row {
  const { method } = l
  const { buffer, starts, ends } = pathBuffer([l])
  const [start, end] = [starts[0]!, ends[0]!]
  return {
    name: `${l.name}, fresh string`,
    per: 1,
    make: (find) => () => find(method, buffer.toString('latin1', start, end)),
  }
}

function everyRoute(name: string, lookups: readonly Lookup[]): Row {
  const methods = lookups.map((l) => l.method)
  const paths = lookups.map((l) => l.path)
  return {
    name,
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
// otherwise pay a deoptimization on each branch it had no feedback for)
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

// `pnpm bench <regexp>` times only the rows whose name matches
const only = new RegExp(process.argv[2] ?? '')
for (const set of SETS) set.rows = set.rows.filter((r) => only.test(r.name))

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

const heap = new Map<string, number>()
const ns = new Map<string, number>()
const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!
for (const set of SETS) {
  const finds = ADAPTERS.map((a) => a.build(set.routes))
  for (const find of finds) {
    for (let i = 0; i < 1000; i++) for (const l of set.warm) do_not_optimize(find(l.method, l.path))
  }
  for (const row of set.rows) {
    const fns = finds.map((find) => row.make(find))
    const samples = fns.map(() => [] as number[])
    for (let round = 0; round < ROUNDS; round++) {
      gc()
      for (const [i, fn] of fns.entries()) {
        const stats = await measure(() => do_not_optimize(fn()), TIMING)
        samples[i]!.push(stats.avg / row.per)
      }
    }
    for (const [i, adapter] of ADAPTERS.entries()) {
      ns.set(`${row.name}\t${adapter.name}`, median(samples[i]!))
      heap.set(`${row.name}\t${adapter.name}`, heapPerLookup(fns[i]!, row.per))
    }
    process.stderr.write('.')
  }
}
const base = baseline.make(noBaseline)
const baseSamples: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  baseSamples.push((await measure(() => do_not_optimize(base()), TIMING)).avg / baseline.per)
}
ns.set(`${baseline.name}\t-`, median(baseSamples))

const [ours, ...peers] = ADAPTERS.map((a) => a.name)
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—')
const lines = [
  `| lookup | ${ours} ns | best peer | vs best | ${peers.join(' | ')} | heap B/lookup: ours · best peer's |`,
  `|---|---:|---|---:|${peers.map(() => '---:').join('|')}|---:|`,
]
for (const row of SETS.flatMap((s) => s.rows)) {
  const mine = ns.get(`${row.name}\t${ours}`)!
  const times = peers.map((p) => ns.get(`${row.name}\t${p}`)!)
  const best = times.indexOf(Math.min(...times))
  const bestName = peers[best]!
  lines.push(
    `| ${row.name} | ${fmt(mine)} | ${bestName} ${fmt(times[best]!)} | ${fmt(times[best]! / mine, 2)}× | ${times
      .map((t) => `${fmt(t / mine, 2)}×`)
      .join(
        ' | ',
      )} | ${fmt(heap.get(`${row.name}\t${ours}`)!, 0)} · ${fmt(heap.get(`${row.name}\t${bestName}`)!, 0)} |`,
  )
}
console.log(
  `\nRouter lookups, ns per lookup (${process.version}); peer columns are peer time / our time, > 1× = we are faster`,
)
console.log(
  `decoding a path from the request buffer alone: ${fmt(ns.get(`${baseline.name}\t-`)!)} ns (in the fresh-strings row)\n`,
)
console.log(lines.join('\n'))
