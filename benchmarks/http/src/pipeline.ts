// The pipeline in-process: `app.handle()` on an exchange whose body is ready, no socket, for the app of
// servers/fasterapi.ts on the four scenarios. Rounds interleave the scenarios (and the checkouts given with
// --roots, e.g. the code before and after a change, each with its own @fasterapi/http and futures), so a
// burst of background load hits them alike; time is the process CPU time (user + system), so a time slice
// lost to another process does not count; per scenario the least and the median ns per request over the
// rounds are reported, and each root's ratio to the first one.
//
//   node --conditions=@fasterapi/source src/pipeline.ts [--rounds 40] [--batch 20000] [--roots /a,/b]
import { parseArgs } from 'node:util'
import { check, type Futures, type Http, type Subject, subject } from './in-process.ts'
import { SCENARIOS, type Scenario } from './scenarios.ts'

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    batch: { type: 'string', default: '20000' },
    roots: { type: 'string' },
    scenarios: { type: 'string' },
  },
})

async function subjects(): Promise<Subject[]> {
  if (opts.roots === undefined)
    return [await subject('this checkout', await import('@fasterapi/http'), await import('@fasterapi/futures'))]
  const out: Subject[] = []
  for (const root of opts.roots.split(',')) {
    const http = (await import(`${root}/packages/http/src/index.ts`)) as Http
    const futures = (await import(`${root}/packages/futures/src/index.ts`)) as Futures
    out.push(await subject(root, http, futures))
  }
  return out
}

const rounds = Number(opts.rounds)
const batch = Number(opts.batch)
const scenarios = SCENARIOS.filter((s) => opts.scenarios === undefined || opts.scenarios.split(',').includes(s.name))
const all = await subjects()
for (const who of all) for (const s of scenarios) check(who, s)

let answered = 0
const sink = () => {
  answered++
}
function time(who: Subject, s: Scenario, n: number): number {
  answered = 0
  const t0 = process.cpuUsage()
  for (let i = 0; i < n; i++) who.handle(s, sink)
  const used = process.cpuUsage(t0)
  const ns = (used.user + used.system) * 1000 // CPU time of the process: a time slice lost to another process does not count
  if (answered !== n) throw new Error(`${who.label} ${s.name}: ${answered} of ${n} answered synchronously`)
  return ns / n
}

const samples = new Map<string, number[]>()
for (const who of all) for (const s of scenarios) time(who, s, batch) // warm-up: every path optimized first
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? all : [...all].reverse()
  for (const s of round % 2 === 0 ? scenarios : [...scenarios].reverse()) {
    for (const who of order) {
      const key = `${who.label}\t${s.name}`
      if (!samples.has(key)) samples.set(key, [])
      samples.get(key)!.push(time(who, s, batch))
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  `in-process pipeline, ${rounds} interleaved rounds of ${batch} requests, process CPU time per request (user + system, GC threads included), Node ${process.version}`,
)
console.log(
  `\n| scenario | ${all.map((w) => `${w.label} min ns | median ns`).join(' | ')}${
    all.length > 1
      ? ` | ${all
          .slice(1)
          .map((w) => `${w.label} ÷ ${all[0]!.label} (min)`)
          .join(' | ')}`
      : ''
  } |`,
)
console.log(`| --- | ${'---: | '.repeat(all.length * 2 + all.length - 1).trim()}`)
for (const s of scenarios) {
  const cells = all.map((w) => samples.get(`${w.label}\t${s.name}`)!)
  const ratios = cells.slice(1).map((c) => `${(Math.min(...c) / Math.min(...cells[0]!)).toFixed(2)}×`)
  console.log(
    `| ${s.title} | ${cells.map((c) => `${Math.min(...c).toFixed(0)} | ${median(c).toFixed(0)}`).join(' | ')}${ratios.length > 0 ? ` | ${ratios.join(' | ')}` : ''} |`,
  )
}
