// Decoders for the binary format, used for the types where it measured faster than text: no string is
// built for numbers, booleans, bytea or timestamps. Layouts follow each type's `*send` function in the
// server sources (int4send, float8send, timestamp_send...).
import type { FastBuffer } from '../internal/bytes.ts'

export type Decoder = (buf: FastBuffer, start: number, length: number) => unknown

export const decodeBool: Decoder = (buf, start) => buf[start] === 1

export const decodeInt2: Decoder = (buf, start) => ((buf[start]! << 24) | (buf[start + 1]! << 16)) >> 16

export const decodeInt4: Decoder = (buf, start) =>
  (buf[start]! << 24) | (buf[start + 1]! << 16) | (buf[start + 2]! << 8) | buf[start + 3]!

export const decodeOid: Decoder = (buf, start) => buf.readUInt32BE(start)

export const decodeFloat8: Decoder = (buf, start) => buf.readDoubleBE(start)

export const decodeInt8BigInt: Decoder = (buf, start) => buf.readBigInt64BE(start)

/** int8 as a JS number: exact up to ±2^53, rounded beyond (the caller chose `int8: 'number'`). */
export const decodeInt8Number: Decoder = (buf, start) =>
  buf.readInt32BE(start) * 4294967296 + buf.readUInt32BE(start + 4)

/** bytea: a copy, so a row does not pin the whole socket chunk in memory. */
export const decodeBytea: Decoder = (buf, start, length) => Buffer.copyBytesFrom(buf, start, length)

// 2000-01-01T00:00:00Z, the epoch of PostgreSQL's timestamps, in Unix milliseconds
const PG_EPOCH_MS = 946_684_800_000

/** timestamp and timestamptz: microseconds since 2000-01-01 UTC; ±infinity as ±Infinity. */
export const decodeTimestamp: Decoder = (buf, start) => {
  const hi = buf.readInt32BE(start)
  const lo = buf.readUInt32BE(start + 4)
  if (hi === 0x7fffffff && lo === 0xffffffff) return Number.POSITIVE_INFINITY
  if (hi === -0x80000000 && lo === 0) return Number.NEGATIVE_INFINITY
  return new Date(PG_EPOCH_MS + Math.floor((hi * 4294967296 + lo) / 1000))
}

const TYPED_ARRAY = {
  21: [Int16Array, 2, (b: FastBuffer, p: number) => b.readInt16BE(p)],
  23: [Int32Array, 4, (b: FastBuffer, p: number) => b.readInt32BE(p)],
  700: [Float32Array, 4, (b: FastBuffer, p: number) => b.readFloatBE(p)],
  701: [Float64Array, 8, (b: FastBuffer, p: number) => b.readDoubleBE(p)],
} as const

/**
 * The text form's parsed nested arrays shaped as `typedArrayDecoder` shapes the binary form: leaves typed
 * unless an element is NULL, so a statement's first (text) execution returns what later ones return.
 */
export function toTypedArray(elementOid: number, nested: unknown[]): unknown {
  const [Typed] = TYPED_ARRAY[elementOid as keyof typeof TYPED_ARRAY]
  if (hasNull(nested)) return nested
  const convert = (level: unknown[]): unknown =>
    level.length > 0 && Array.isArray(level[0])
      ? level.map((inner) => convert(inner as unknown[]))
      : Typed.from(level as number[])
  return convert(nested)
}

function hasNull(level: unknown[]): boolean {
  for (const value of level) if (value === null || (Array.isArray(value) && hasNull(value))) return true
  return false
}

/** Element OIDs that `typedArrays: true` turns into typed arrays. */
export function hasTypedArray(elementOid: number): boolean {
  return elementOid in TYPED_ARRAY
}

/**
 * Binary array of int2/int4/float4/float8 → Int16Array/Int32Array/Float32Array/Float64Array. Layout
 * (array_send): ndim, has-null flag, element OID, then per dimension (size, lower bound), then elements
 * as (Int32 length, bytes). Multi-dimensional arrays and arrays holding NULLs become nested plain arrays.
 */
export function typedArrayDecoder(elementOid: number): Decoder {
  const [Typed, , read] = TYPED_ARRAY[elementOid as keyof typeof TYPED_ARRAY]
  return (buf, start) => {
    const ndim = buf.readInt32BE(start)
    if (ndim === 0) return new Typed(0)
    const hasNull = buf.readInt32BE(start + 4) !== 0
    const dims: number[] = []
    for (let d = 0; d < ndim; d++) dims.push(buf.readInt32BE(start + 12 + d * 8))
    const state = { p: start + 12 + ndim * 8 }
    const readLevel = (level: number): unknown => {
      const size = dims[level]!
      if (level === ndim - 1 && !hasNull) {
        const out = new Typed(size)
        for (let i = 0; i < size; i++) {
          out[i] = read(buf, state.p + 4)
          state.p += 4 + buf.readInt32BE(state.p)
        }
        return out
      }
      const out: unknown[] = []
      for (let i = 0; i < size; i++) {
        if (level < ndim - 1) {
          out.push(readLevel(level + 1))
          continue
        }
        const length = buf.readInt32BE(state.p)
        out.push(length === -1 ? null : read(buf, state.p + 4))
        state.p += 4 + Math.max(length, 0)
      }
      return out
    }
    return readLevel(0)
  }
}
