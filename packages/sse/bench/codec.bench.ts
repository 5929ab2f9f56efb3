// Throughput of the encoder and the parser on their own (the comparisons with peers live in
// benchmarks/sse). Run with `pnpm --filter @fasterapi/sse bench`.
import { bench, do_not_optimize, run, summary } from 'mitata'
import { EncodedEvent, EventStreamParser, encodeEvent } from '../src/index.ts'

const json = { id: 48213, status: 'shipped', items: [{ sku: 'BK-1843', qty: 1, price: 12.5 }] }
const text = 'first line\nsecond line\r\nthird line'

summary(() => {
  bench('encodeEvent, json data', () => encodeEvent({ event: 'order', id: '48213', json }))
  bench('encodeEvent, 3-line text data', () => encodeEvent({ event: 'log', id: '7', data: text }))
  bench('new EncodedEvent (bytes for a broadcast)', () => new EncodedEvent({ event: 'order', id: '48213', json }))
})

// ~1 MB of events, fed in 4 KiB chunks that split lines anywhere
const stream = Buffer.from(
  Array.from({ length: 4000 }, (_, i) => encodeEvent({ event: 'order', id: String(i), json })).join(''),
)
const chunks: Buffer[] = []
for (let i = 0; i < stream.length; i += 4096) chunks.push(stream.subarray(i, i + 4096))

bench(`parse ${(stream.length / 1e6).toFixed(2)} MB in 4 KiB chunks`, () => {
  let count = 0
  const parser = new EventStreamParser({ onEvent: () => count++ })
  for (const chunk of chunks) parser.feed(chunk)
  return do_not_optimize(count)
})

await run()
