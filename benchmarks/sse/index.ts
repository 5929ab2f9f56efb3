// The SSE benchmark: encode throughput (interleaved rounds), then broadcasts to 1,000 and 10,000
// loopback clients held by a child process. Ratios are against the hand-written floor (< 1× = faster
// than the floor). Run with `pnpm --filter @fasterapi/bench-sse bench` (or `pnpm bench` at the root).
import { do_not_optimize } from 'mitata'
import { type BroadcastResult, runBroadcast, startClients, stopClients } from './broadcast.ts'
import { BROADCASTERS } from './broadcasters.ts'
import { ENCODERS, type EncodeAdapter } from './encoders.ts'
import { BROADCAST_SIZES, JSON_EVENT, ROUNDS } from './input.ts'

if ((globalThis as { gc?: () => void }).gc === undefined)
  throw new Error('run with --expose-gc (the bench script does)')

const FLOOR = 'hand-written'
// `pnpm bench encode` or `pnpm bench broadcast` runs one part
const part = process.argv[2] ?? ''
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—')

// encode: one ~200-byte JSON event per call

// Interleaved rounds instead of one adapter after another: on two shared, busy cores the load drifts
// over seconds, and timing every adapter within each round keeps the drift out of the ratios.
const ENCODE_ROUNDS = 60
const ENCODE_BATCH = 4_000

async function timeBatch(adapter: EncodeAdapter): Promise<number> {
  const encode = adapter.encode
  const start = process.hrtime.bigint()
  if (adapter.async === true) for (let i = 0; i < ENCODE_BATCH; i++) await encode(JSON_EVENT)
  else for (let i = 0; i < ENCODE_BATCH; i++) do_not_optimize(encode(JSON_EVENT))
  return Number(process.hrtime.bigint() - start) / ENCODE_BATCH
}

async function encodeTable(): Promise<void> {
  const samples = new Map<string, number[]>(ENCODERS.map((a) => [a.name, []]))
  for (const adapter of ENCODERS) for (let i = 0; i < 5; i++) await timeBatch(adapter) // warm-up
  for (let round = 0; round < ENCODE_ROUNDS; round++) {
    const order = round % 2 === 0 ? ENCODERS : [...ENCODERS].reverse()
    for (const adapter of order) samples.get(adapter.name)!.push(await timeBatch(adapter))
  }
  const encodeNs = new Map([...samples].map(([name, ns]) => [name, median(ns)]))
  const encodeFloor = encodeNs.get(FLOOR)!
  console.log(
    `\nEncode one ~200-byte JSON event (${process.version}), median of ${ENCODE_ROUNDS} interleaved rounds; ratio = time / hand-written time\n`,
  )
  console.log('| encoder | ns/event | events/s | ratio |\n|---|---:|---:|---:|')
  for (const [name, ns] of encodeNs) {
    console.log(`| ${name} | ${fmt(ns)} | ${fmt(1e9 / ns / 1e6, 2)} M | ${fmt(ns / encodeFloor, 2)}× |`)
  }
}

// broadcast: each adapter at each size, clients in one child process. Two passes in opposite orders
// (the machine's noise drifts; neither adapter always goes first), rounds of both pooled per row.
async function broadcastTable(): Promise<void> {
  const child = startClients()
  // warm-up, discarded: node's http write path is shared by every adapter, and whoever runs first
  // would otherwise pay for its JIT compilation alone
  for (const adapter of BROADCASTERS) await runBroadcast(adapter, BROADCAST_SIZES[0], 2, child)
  const rows: { name: string; clients: number; lastByteMs: number; blockMs: number; heapPerClient: number }[] = []
  for (const clients of BROADCAST_SIZES) {
    const runs: BroadcastResult[] = []
    for (const order of [BROADCASTERS, [...BROADCASTERS].reverse()]) {
      for (const adapter of order) runs.push(await runBroadcast(adapter, clients, ROUNDS, child))
    }
    for (const adapter of BROADCASTERS) {
      const mine = runs.filter((r) => r.name === adapter.name)
      rows.push({
        name: adapter.name,
        clients,
        lastByteMs: median(mine.flatMap((r) => r.lastByteMs)),
        blockMs: median(mine.flatMap((r) => r.blockMs)),
        heapPerClient: median(mine.map((r) => r.heapPerClient)),
      })
    }
  }
  await stopClients(child)

  console.log(
    `\nBroadcast one event to N idle loopback clients, median of ${2 * ROUNDS} rounds; ratio = value / hand-written value\n`,
  )
  console.log('| broadcaster | clients | last byte ms | ratio | loop block ms | ratio | heap B/client | ratio |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    const floor = rows.find((f) => f.clients === r.clients && f.name === FLOOR)!
    console.log(
      `| ${r.name} | ${r.clients} | ${fmt(r.lastByteMs)} | ${fmt(r.lastByteMs / floor.lastByteMs, 2)}× | ${fmt(r.blockMs, 2)} | ${fmt(r.blockMs / floor.blockMs, 2)}× | ${fmt(r.heapPerClient, 0)} | ${fmt(r.heapPerClient / floor.heapPerClient, 2)}× |`,
    )
  }
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
}

if (part !== 'broadcast') await encodeTable()
if (part !== 'encode') await broadcastTable()
