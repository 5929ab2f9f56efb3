// WebSocket echo throughput: each server in its own process pinned to core 0 (`taskset -c 0`), the load
// client (src/client.ts, on the `ws` client) in another pinned to core 1. Per scenario and server: echoes/s,
// the ratio to plain ws in the same run, server CPU per echo (from /proc, immune to the other core's load)
// and the wire bytes per echo from the server (which shows whether it deflated). Run with `pnpm bench`.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { LoadOptions, LoadResult } from './client.ts'
import { SERVERS as DEFAULT_SERVERS, LABELS, type ServerKind } from './servers.ts'

interface Scenario {
  name: string
  size: number
  inflight: number
  binary: boolean
  /** Server offers permessage-deflate and the clients ask for it. */
  deflate: boolean
  /** Variants run after the servers in this scenario only. */
  variants?: ServerKind[]
}

const SCENARIOS: Scenario[] = [
  { name: '64 B text, 1 in flight', size: 64, inflight: 1, binary: false, deflate: false },
  { name: '64 B text, 16 in flight', size: 64, inflight: 16, binary: false, deflate: false },
  {
    name: '64 B text, 16 in flight, permessage-deflate',
    size: 64,
    inflight: 16,
    binary: false,
    deflate: true,
    variants: process.env.WS_BENCH_SERVERS ? [] : ['ws-threshold', 'fasterapi-threshold'],
  },
  { name: '64 KB binary, 1 in flight', size: 64 * 1024, inflight: 1, binary: true, deflate: false },
]
const CLIENTS = 64
/** The first is the baseline of the ratios. */
const SERVERS = (process.env.WS_BENCH_SERVERS?.split(',') as ServerKind[] | undefined) ?? [...DEFAULT_SERVERS]
const ONLY = process.env.WS_BENCH_SCENARIOS?.split(',').map(Number)
const WARMUP = Number(process.env.WS_BENCH_WARMUP ?? 0.75)
const SECONDS = Number(process.env.WS_BENCH_SECONDS ?? 2)
/** Rounds per scenario, the servers in forward then reverse order, so a burst of load elsewhere on the shared cores is spread over all of them. */
const ROUNDS = Number(process.env.WS_BENCH_ROUNDS ?? 2)
const NODE_ARGS = ['--conditions=@fasterapi/source', '--disable-warning=ExperimentalWarning']
const TICKS_PER_SECOND = 100 // USER_HZ on Linux

function lines(child: ChildProcess): AsyncIterator<string> {
  return createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
}

function prefixed(child: ChildProcess, prefix: string): void {
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`${prefix} ${line}\n`))
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

interface Row {
  result: LoadResult
  serverCpu: number
  clientCpu: number
}

async function measure(kind: ServerKind, scenario: Scenario): Promise<Row> {
  const server = spawn(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      ...NODE_ARGS,
      new URL('server-process.ts', import.meta.url).pathname,
      kind,
      scenario.deflate ? '1' : '0',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  prefixed(server, `[${kind} server]`)
  try {
    const serverOut = lines(server)
    const first = await serverOut.next()
    if (first.done) throw new Error(`${kind} server exited before listening`)
    const { url } = JSON.parse(first.value) as { url: string }
    const options: LoadOptions = {
      url,
      clients: CLIENTS,
      inflight: scenario.inflight,
      size: scenario.size,
      binary: scenario.binary,
      deflate: scenario.deflate,
      warmup: WARMUP,
      seconds: SECONDS,
    }
    const client = spawn(
      'taskset',
      [
        '-c',
        '1',
        process.execPath,
        ...NODE_ARGS,
        new URL('client.ts', import.meta.url).pathname,
        JSON.stringify(options),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    prefixed(client, `[client vs ${kind}]`)
    let started: { server: number; client: number } | undefined
    for await (const line of createInterface({ input: client.stdout! })) {
      const message = JSON.parse(line) as { event: 'start' } | ({ event: 'result' } & LoadResult)
      if (message.event === 'start') started = { server: cpuSeconds(server.pid!), client: cpuSeconds(client.pid!) }
      else {
        const serverCpu = cpuSeconds(server.pid!) - started!.server
        const clientCpu = cpuSeconds(client.pid!) - started!.client
        return { result: message, serverCpu, clientCpu }
      }
    }
    throw new Error(`load client against ${kind} exited without a result`)
  } finally {
    server.stdin!.end()
    server.kill('SIGTERM')
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

console.log(
  `WebSocket echo, ${CLIENTS} clients, ${ROUNDS} rounds of ${SECONDS} s measured after ${WARMUP} s warm-up per server and scenario, node ${process.version}`,
)
console.log('server pinned to core 0, load client to core 1\n')
const all: Record<string, Record<string, Row>> = {}
for (const scenario of SCENARIOS.filter((_, i) => ONLY === undefined || ONLY.includes(i))) {
  const rows = {} as Record<ServerKind, Row>
  const kinds = [...SERVERS, ...(scenario.variants ?? [])]
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? kinds : [...kinds].reverse()) {
      const row = await measure(kind, scenario)
      const sum = rows[kind]
      if (sum === undefined) rows[kind] = row
      else {
        const r = sum.result
        const messages = r.messages + row.result.messages
        const seconds = r.seconds + row.result.seconds
        const weigh = (a: number, b: number) => (a * r.messages + b * row.result.messages) / messages
        sum.result = {
          ...r,
          messages,
          seconds,
          perSecond: messages / seconds,
          bytesInPerMessage: weigh(r.bytesInPerMessage, row.result.bytesInPerMessage),
          bytesOutPerMessage: weigh(r.bytesOutPerMessage, row.result.bytesOutPerMessage),
          errors: r.errors + row.result.errors,
        }
        sum.serverCpu += row.serverCpu
        sum.clientCpu += row.clientCpu
      }
    }
  }
  all[scenario.name] = rows
  const base = rows[SERVERS[0]!].result
  const baseCpu = rows[SERVERS[0]!].serverCpu / base.messages
  console.log(`### ${scenario.name}\n`)
  console.log(
    `| server | echoes/s | vs ${LABELS[SERVERS[0]!]} | server CPU used | µs server CPU / echo | vs ${LABELS[SERVERS[0]!]} | client CPU used | wire bytes / echo, server → client, client → server | extensions |`,
  )
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|')
  for (const kind of kinds) {
    const { result, serverCpu, clientCpu } = rows[kind]
    const share = (s: number) => `${Math.round((100 * s) / result.seconds)}%`
    const cpu = serverCpu / result.messages
    console.log(
      `| ${LABELS[kind]} | ${fmt(result.perSecond)} | ${(result.perSecond / base.perSecond).toFixed(2)}× | ${share(serverCpu)} | ${(cpu * 1e6).toFixed(1)} | ${(cpu / baseCpu).toFixed(2)}× | ${share(clientCpu)} | ${result.bytesInPerMessage.toFixed(0)}, ${result.bytesOutPerMessage.toFixed(0)} | ${result.extensions || '—'}${result.errors ? ` (${result.errors} errors)` : ''} |`,
    )
  }
  console.log('')
}
if (process.env.WS_BENCH_JSON) console.log(JSON.stringify(all))
