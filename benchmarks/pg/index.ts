// @fasterapi/pg against postgres.js and pg: same server, drivers interleaved round by round, every
// answer checked inside the timed loops. Ends with pgbench's ceiling for the same queries.
import { ADAPTERS, type Adapter } from './impl.ts'
import { checkRows, createFixtures } from './input.ts'
import { pgbenchCeiling } from './pgbench.ts'
import { benchServer } from './server.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const LATENCY_QUERIES = 2_000
const THROUGHPUT_QUERIES = 20_000
const CALLERS = 64
const DECODE_RUNS = 12
const TRANSACTIONS = 150

type Scenario = {
  name: string
  unit: string
  higherIsBetter: boolean
  pool: number
  run: (a: Adapter) => Promise<number>
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!
}
const now = (): number => performance.now()

let latencySamples: Record<string, number[]> = {}

async function sequentialLatency(a: Adapter): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < LATENCY_QUERIES; i++) {
    const start = now()
    const n = await a.selectInt(i)
    samples.push((now() - start) * 1000)
    if (n !== i) throw new Error(`${a.name}: select ${i} answered ${n}`)
  }
  latencySamples[a.name] = [...(latencySamples[a.name] ?? []), ...samples]
  return median(samples)
}

async function throughput(a: Adapter): Promise<number> {
  let next = 0
  const caller = async (): Promise<void> => {
    while (next < THROUGHPUT_QUERIES) {
      const n = next++
      const got = await a.selectInt(n)
      if (got !== n) throw new Error(`${a.name}: select ${n} answered ${got}`)
    }
  }
  const start = now()
  await Promise.all(Array.from({ length: CALLERS }, caller))
  return THROUGHPUT_QUERIES / ((now() - start) / 1000)
}

async function decode(a: Adapter): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < DECODE_RUNS; i++) {
    const start = now()
    const rows = await a.allRows()
    times.push(now() - start)
    checkRows(rows)
  }
  return median(times)
}

const transaction = (pipelined: boolean) => async (a: Adapter) => {
  const times: number[] = []
  for (let i = 0; i < TRANSACTIONS; i++) {
    const start = now()
    const balances = pipelined ? await a.transactionPipelined(1) : await a.transactionSequential(1)
    times.push((now() - start) * 1000)
    if (balances.length !== 10 || balances.some((b) => !Number.isInteger(b))) throw new Error(`${a.name}: bad balances`)
  }
  return median(times)
}

const SCENARIOS: Scenario[] = [
  {
    name: 'select $1::int, sequential (median latency)',
    unit: 'µs',
    higherIsBetter: false,
    pool: 1,
    run: sequentialLatency,
  },
  { name: '20,000 queries, 64 callers, pool of 10', unit: 'q/s', higherIsBetter: true, pool: 10, run: throughput },
  { name: '20,000 queries, 64 callers, 1 connection', unit: 'q/s', higherIsBetter: true, pool: 1, run: throughput },
  { name: '10,000 rows × 8 columns, decode', unit: 'ms', higherIsBetter: false, pool: 1, run: decode },
  {
    name: '10-statement transaction, awaited one by one',
    unit: 'µs',
    higherIsBetter: false,
    pool: 10,
    run: transaction(false),
  },
  { name: '10-statement transaction, pipelined', unit: 'µs', higherIsBetter: false, pool: 10, run: transaction(true) },
]

async function main(): Promise<void> {
  const server = await benchServer()
  try {
    await createFixtures(server.url)
    const names = ADAPTERS.map((make) => make(server.url, 1)).map((a) => {
      a.end()
      return a.name
    })
    const table: string[] = []
    table.push(`| scenario | ${names.join(' | ')} | vs postgres.js | vs pg |`)
    table.push(`|---|${names.map(() => '---:').join('|')}|---:|---:|`)
    for (const scenario of SCENARIOS) {
      const perDriver: number[][] = names.map(() => [])
      latencySamples = {}
      const adapters = ADAPTERS.map((make) => make(server.url, scenario.pool))
      for (const a of adapters) await scenario.run(a) // warm-up: connections, statements, JIT
      for (let round = 0; round < ROUNDS; round++) {
        // rotate the order each round so no driver always runs first
        for (let k = 0; k < adapters.length; k++) {
          const i = (k + round) % adapters.length
          // start each measurement with a clean heap: one driver's garbage must not bill the next
          globalThis.gc?.()
          perDriver[i]!.push(await scenario.run(adapters[i]!))
        }
      }
      await Promise.all(adapters.map((a) => a.end()))
      const values = perDriver.map(median)
      const ratio = (other: number) =>
        `${(scenario.higherIsBetter ? values[0]! / values[other]! : values[other]! / values[0]!).toFixed(2)}×`
      const fmt = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))
      let cells = values.map((v) => `${fmt(v)} ${scenario.unit}`)
      if (scenario.run === sequentialLatency) {
        cells = names.map((name, i) => `${fmt(values[i]!)} µs (p99 ${fmt(percentile(latencySamples[name]!, 0.99))})`)
      }
      table.push(`| ${scenario.name} | ${cells.join(' | ')} | ${ratio(1)} | ${ratio(2)} |`)
      console.log(table.at(-1))
    }
    console.log(`\n${ROUNDS} interleaved rounds, median shown; ratios > 1 mean @fasterapi/pg is faster.\n`)
    console.log(table.join('\n'))
    if (server.binDir !== undefined) console.log(`\n${await pgbenchCeiling(server.binDir, server.url)}`)
  } finally {
    await server.stop()
  }
}

await main()
