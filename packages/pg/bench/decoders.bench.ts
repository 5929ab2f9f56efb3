// Why each type is asked for in binary or in text: the text decoder against the binary one, per type, on
// the bytes the server sends. A type goes binary only where binary wins (uuid and int8-as-string stay text).
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { fast } from '../src/internal/bytes.ts'
import { TypeRegistry } from '../src/types/registry.ts'

const registry = new TypeRegistry()
const bigints = new TypeRegistry({ int8: 'bigint' })
const N = 1_000

// N values of one type, each framed as in a DataRow: Int32 length, then the bytes
function column(values: Buffer[]): { buf: ReturnType<typeof fast>; offsets: number[]; lengths: number[] } {
  const offsets: number[] = []
  const lengths: number[] = []
  let p = 0
  for (const v of values) {
    offsets.push(p)
    lengths.push(v.length)
    p += v.length
  }
  return { buf: fast(Buffer.concat(values)), offsets, lengths }
}

function int64(value: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigInt64BE(value)
  return b
}

const ids = Array.from({ length: N }, (_, i) => i * 7919)
const cases: [string, number, Buffer[], Buffer[], TypeRegistry?][] = [
  ['int4', 23, ids.map((n) => Buffer.from(String(n))), ids.map((n) => Buffer.from([n >>> 24, n >>> 16, n >>> 8, n]))],
  [
    'float8',
    701,
    ids.map((n) => Buffer.from(String(n / 7))),
    ids.map((n) => {
      const b = Buffer.alloc(8)
      b.writeDoubleBE(n / 7)
      return b
    }),
  ],
  ['bool', 16, ids.map((n) => Buffer.from(n % 2 ? 't' : 'f')), ids.map((n) => Buffer.from([n % 2]))],
  [
    'timestamptz',
    1184,
    ids.map((n) => Buffer.from(new Date(1.7e12 + n * 1000).toISOString().replace('T', ' ').replace('Z', '+00'))),
    ids.map((n) => int64(BigInt(1.7e12 + n * 1000 - 946_684_800_000) * 1000n)),
  ],
  ['int8 as bigint', 20, ids.map((n) => Buffer.from(String(n * 1e6))), ids.map((n) => int64(BigInt(n * 1e6))), bigints],
  [
    'bytea (16 bytes)',
    17,
    ids.map((n) => Buffer.from(`\\x${n.toString(16).padStart(32, '0')}`)),
    ids.map((n) => Buffer.from(n.toString(16).padStart(32, '0'), 'hex')),
  ],
]

for (const [name, oid, texts, binaries, types = registry] of cases) {
  const text = column(texts)
  const binary = column(binaries)
  const decodeText = types.decoder(oid, false)
  const decodeBinary = types.decoder(oid, true)
  summary(() => {
    group(`${name}: ${N} values`, () => {
      bench('text', () => {
        for (let i = 0; i < N; i++) do_not_optimize(decodeText(text.buf, text.offsets[i]!, text.lengths[i]!))
      })
      bench('binary', () => {
        for (let i = 0; i < N; i++) do_not_optimize(decodeBinary(binary.buf, binary.offsets[i]!, binary.lengths[i]!))
      })
    })
  })
}

// uuid stays text: the server's 36 ASCII bytes become the string in one call; binary needs 16 hex pairs
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const uuids = ids.map((n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`)
const uuidText = column(uuids.map((u) => Buffer.from(u)))
const uuidBinary = column(uuids.map((u) => Buffer.from(u.replaceAll('-', ''), 'hex')))
const decodeUuidText = registry.decoder(2950, false)
const decodeUuidBinary = (b: Buffer, p: number): string => {
  let s = ''
  for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + HEX[b[p + i]!]
  return s
}
summary(() => {
  group(`uuid: ${N} values`, () => {
    bench('text', () => {
      for (let i = 0; i < N; i++) do_not_optimize(decodeUuidText(uuidText.buf, uuidText.offsets[i]!, 36))
    })
    bench('binary (hex table)', () => {
      for (let i = 0; i < N; i++) do_not_optimize(decodeUuidBinary(uuidBinary.buf, uuidBinary.offsets[i]!).length)
    })
  })
})

// float4 stays text: binary holds the float32, and the value the server prints (and postgres.js returns) is the
// shortest decimal that rounds to it (0.1, not 0.10000000149011612); finding it again from binary costs more
const floats = ids.map((n) => Math.fround(n / 7))
const shortestFloat4 = (f: number): number => {
  for (let p = 6; p <= 9; p++) {
    const n = Number(f.toPrecision(p))
    if (Math.fround(n) === f) return n
  }
  return f
}
const float4Text = column(floats.map((f) => Buffer.from(String(shortestFloat4(f)))))
const float4Binary = column(
  floats.map((f) => {
    const b = Buffer.alloc(4)
    b.writeFloatBE(f)
    return b
  }),
)
const decodeFloat4Text = registry.decoder(700, false)
summary(() => {
  group(`float4: ${N} values`, () => {
    bench('text', () => {
      for (let i = 0; i < N; i++) {
        do_not_optimize(decodeFloat4Text(float4Text.buf, float4Text.offsets[i]!, float4Text.lengths[i]!))
      }
    })
    bench('binary, shortest decimal', () => {
      for (let i = 0; i < N; i++)
        do_not_optimize(shortestFloat4(float4Binary.buf.readFloatBE(float4Binary.offsets[i]!)))
    })
    bench('binary, widened (wrong: 0.1 reads 0.10000000149011612)', () => {
      for (let i = 0; i < N; i++) do_not_optimize(float4Binary.buf.readFloatBE(float4Binary.offsets[i]!))
    })
  })
})

await run()
