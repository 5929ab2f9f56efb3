// The streaming workloads: COPY in and out of 1M rows, a cursor over 1M rows (with its peak heap),
// NOTIFY → listener latency and throughput, and a 10-statement transaction with retry on. Same server,
// drivers interleaved round by round with the order rotated, a clean heap before each measurement;
// every run's answer is checked (outside the timed part where it needs a query).
import { createPool, type Sql } from '@fasterapi/pg'
import { copyChunks, STREAM_ADAPTERS, STREAM_SETUP_SQL, type StreamAdapter } from './impl-streams.ts'
import { createFixtures } from './input.ts'
import { benchServer } from './server.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const ROWS = Number(process.env.BENCH_STREAM_ROWS ?? 1_000_000)
const LATENCY_NOTIFIES = 500
const THROUGHPUT_NOTIFIES = 10_000
const TRANSACTIONS = 150

interface Measure {
  value: number
  /** A second figure shown beside the value (the cursor's peak heap). */
  extra?: number
}

interface Scenario {
  name: string
  unit: string
  extraUnit?: string
  higherIsBetter: boolean
  supports: (a: StreamAdapter) => boolean
  run: (a: StreamAdapter, admin: Sql) => Promise<Measure>
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]!
}
const now = (): number => performance.now()
const chunks = copyChunks(ROWS)

function expectEqual(name: string, what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${name}: ${what} ${got}, expected ${want}`)
}

async function copyIn(a: StreamAdapter, admin: Sql): Promise<Measure> {
  await admin`truncate bench_copy_in`
  const start = now()
  await a.copyIn!(chunks)
  const seconds = (now() - start) / 1000
  const [row] = await admin`select count(*)::int as n from bench_copy_in`
  expectEqual(a.name, 'rows copied in', row!.n as number, ROWS)
  return { value: ROWS / seconds }
}

async function copyOut(a: StreamAdapter): Promise<Measure> {
  const start = now()
  const rows = await a.copyOut!()
  const seconds = (now() - start) / 1000
  expectEqual(a.name, 'rows copied out', rows, ROWS)
  return { value: ROWS / seconds }
}

async function cursor(a: StreamAdapter): Promise<Measure> {
  const base = process.memoryUsage().heapUsed
  let peak = base
  const start = now()
  const rows = await a.cursor!(ROWS, () => {
    const used = process.memoryUsage().heapUsed
    if (used > peak) peak = used
  })
  const seconds = (now() - start) / 1000
  expectEqual(a.name, 'cursor rows', rows, ROWS)
  return { value: ROWS / seconds, extra: (peak - base) / 1024 / 1024 }
}

let channels = 0

async function notifyLatency(a: StreamAdapter): Promise<Measure> {
  const channel = `bench_latency_${++channels}`
  let wake: ((payload: string) => void) | undefined
  const unlisten = await a.listen!(channel, (payload) => wake?.(payload))
  const samples: number[] = []
  for (let i = 0; i < LATENCY_NOTIFIES; i++) {
    const start = now()
    const arrived = new Promise<string>((resolve) => (wake = resolve))
    await a.notify!(channel, String(i))
    const payload = await arrived
    samples.push((now() - start) * 1000)
    if (payload !== String(i)) throw new Error(`${a.name}: notification ${i} arrived as ${payload}`)
  }
  await unlisten()
  return { value: median(samples) }
}

async function notifyThroughput(a: StreamAdapter): Promise<Measure> {
  const channel = `bench_throughput_${++channels}`
  let received = 0
  let sum = 0
  let done: (() => void) | undefined
  const unlisten = await a.listen!(channel, (payload) => {
    sum += Number(payload)
    if (++received === THROUGHPUT_NOTIFIES) done?.()
  })
  const all = new Promise<void>((resolve) => (done = resolve))
  const start = now()
  await Promise.all(Array.from({ length: THROUGHPUT_NOTIFIES }, (_, i) => a.notify!(channel, String(i))))
  await all
  const seconds = (now() - start) / 1000
  expectEqual(a.name, 'payload sum', sum, (THROUGHPUT_NOTIFIES * (THROUGHPUT_NOTIFIES - 1)) / 2)
  await unlisten()
  return { value: THROUGHPUT_NOTIFIES / seconds }
}

async function transactionRetry(a: StreamAdapter): Promise<Measure> {
  const samples: number[] = []
  for (let i = 0; i < TRANSACTIONS; i++) {
    const start = now()
    const balances = await a.transactionRetry!(1)
    samples.push((now() - start) * 1000)
    if (balances.length !== 10 || balances.some((b) => !Number.isInteger(b))) throw new Error(`${a.name}: bad balances`)
  }
  return { value: median(samples) }
}

const rowsLabel = ROWS.toLocaleString('en-US')
const SCENARIOS: Scenario[] = [
  {
    name: `COPY FROM STDIN, ${rowsLabel} rows (text)`,
    unit: 'rows/s',
    higherIsBetter: true,
    supports: (a) => a.copyIn !== undefined,
    run: copyIn,
  },
  {
    name: `COPY TO STDOUT, ${rowsLabel} rows (text)`,
    unit: 'rows/s',
    higherIsBetter: true,
    supports: (a) => a.copyOut !== undefined,
    run: copyOut,
  },
  {
    name: `cursor(1000) over ${rowsLabel} rows`,
    unit: 'rows/s',
    extraUnit: 'MB peak heap',
    higherIsBetter: true,
    supports: (a) => a.cursor !== undefined,
    run: cursor,
  },
  {
    name: 'NOTIFY → listener, one at a time (median latency)',
    unit: 'µs',
    higherIsBetter: false,
    supports: (a) => a.listen !== undefined,
    run: notifyLatency,
  },
  {
    name: `NOTIFY → listener, ${THROUGHPUT_NOTIFIES.toLocaleString('en-US')} at once`,
    unit: 'notifications/s',
    higherIsBetter: true,
    supports: (a) => a.listen !== undefined,
    run: notifyThroughput,
  },
  {
    name: '10-statement transaction, retry on (postgres.js: plain begin)',
    unit: 'µs',
    higherIsBetter: false,
    supports: (a) => a.transactionRetry !== undefined,
    run: transactionRetry,
  },
]

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))

async function main(): Promise<void> {
  const server = await benchServer()
  const admin = createPool({ url: server.url, max: 1 })
  try {
    await createFixtures(server.url)
    for (const statement of STREAM_SETUP_SQL(ROWS)) await admin.unsafe(statement)
    const table: string[] = [
      '| scenario | @fasterapi/pg | postgres.js | pg-copy-streams | vs postgres.js | vs pg-copy-streams |',
    ]
    table.push('|---|---:|---:|---:|---:|---:|')
    for (const scenario of SCENARIOS) {
      const adapters = STREAM_ADAPTERS.map((make) => make(server.url))
      const taking = adapters.filter(scenario.supports)
      const values: Measure[][] = taking.map(() => [])
      for (const a of taking) await scenario.run(a, admin) // warm-up: connections, statements, JIT
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < taking.length; k++) {
          const i = (k + round) % taking.length
          globalThis.gc?.()
          values[i]!.push(await scenario.run(taking[i]!, admin))
        }
      }
      await Promise.all(adapters.map((a) => a.end()))
      const cells: string[] = []
      const results = new Map<string, Measure>()
      for (const [i, a] of taking.entries()) {
        const measures = values[i]!
        results.set(a.name, {
          value: median(measures.map((m) => m.value)),
          ...(scenario.extraUnit === undefined ? {} : { extra: median(measures.map((m) => m.extra!)) }),
        })
      }
      for (const name of ['@fasterapi/pg', 'postgres.js', 'pg-copy-streams']) {
        const m = results.get(name)
        cells.push(
          m === undefined
            ? '—'
            : `${fmt(m.value)} ${scenario.unit}${m.extra === undefined ? '' : `, ${m.extra.toFixed(1)} ${scenario.extraUnit}`}`,
        )
      }
      const ours = results.get('@fasterapi/pg')!.value
      const ratio = (name: string): string => {
        const other = results.get(name)
        if (other === undefined) return '—'
        return `${(scenario.higherIsBetter ? ours / other.value : other.value / ours).toFixed(2)}×`
      }
      table.push(`| ${scenario.name} | ${cells.join(' | ')} | ${ratio('postgres.js')} | ${ratio('pg-copy-streams')} |`)
      console.log(table.at(-1))
    }
    console.log(`\n${ROUNDS} interleaved rounds, median shown; ratios > 1 mean @fasterapi/pg is faster.\n`)
    console.log(table.join('\n'))
  } finally {
    await admin.end()
    await server.stop()
  }
}

await main()
