// The Range header (RFC 9110 §14.1.2): `bytes=0-99`, `bytes=100-`, `bytes=-500`, or several of them. The
// satisfiable ranges are sorted and overlapping or adjacent ones merged (§14.3 lets a server coalesce, and it
// stops overlapping ranges from multiplying the bytes sent); one range left is a plain 206, several a
// multipart/byteranges 206 (§14.6).
import { randomBytes } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'

export interface ByteRange {
  start: number
  /** Inclusive. */
  end: number
}

// more ranges than this are not worth parsing: the answer is the whole file instead
const MAX_RANGES = 16

/**
 * The ranges to serve for `header` over `size` bytes (> 0), sorted and merged; `'unsatisfiable'` when every
 * range lies past the end (answered 416); `undefined` to ignore the header (malformed, another unit, too many).
 */
export function parseRange(header: string, size: number): ByteRange[] | 'unsatisfiable' | undefined {
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return undefined
  const specs = header.slice(eq + 1).split(',')
  if (specs.length > MAX_RANGES) return undefined
  const ranges: ByteRange[] = []
  for (const raw of specs) {
    const spec = raw.trim()
    const dash = spec.indexOf('-')
    if (dash === -1) return undefined
    const first = spec.slice(0, dash)
    const last = spec.slice(dash + 1)
    if (!isDigits(first) && first !== '') return undefined
    if (!isDigits(last) && last !== '') return undefined
    if (first === '') {
      if (last === '') return undefined
      const suffix = Number(last) // the last N bytes
      if (suffix > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 })
    } else {
      const start = Number(first)
      if (last !== '' && Number(last) < start) return undefined // first > last: invalid, so ignored
      const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
      if (start < size) ranges.push({ start, end })
    }
  }
  if (ranges.length === 0) return 'unsatisfiable'
  return coalesce(ranges)
}

function coalesce(ranges: ByteRange[]): ByteRange[] {
  if (ranges.length === 1) return ranges
  ranges.sort((a, b) => a.start - b.start)
  const out: ByteRange[] = [ranges[0]!]
  for (let i = 1; i < ranges.length; i++) {
    const r = ranges[i]!
    const prev = out[out.length - 1]!
    if (r.start <= prev.end + 1) prev.end = Math.max(prev.end, r.end)
    else out.push({ ...r })
  }
  return out
}

function isDigits(s: string): boolean {
  return s.length > 0 && s.length <= 15 && /^\d+$/.test(s)
}

/** A multipart/byteranges body (RFC 9110 §14.6) over `handle`, with its exact length and content type. */
export function byteRangesBody(
  handle: FileHandle,
  ranges: readonly ByteRange[],
  size: number,
  contentType: string,
): { body: Readable; length: number; contentType: string } {
  const boundary = randomBytes(12).toString('hex')
  const heads = ranges.map(
    (r, i) =>
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\ncontent-type: ${contentType}\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`,
  )
  const tail = `\r\n--${boundary}--\r\n`
  let length = Buffer.byteLength(tail)
  for (let i = 0; i < ranges.length; i++) length += Buffer.byteLength(heads[i]!) + ranges[i]!.end - ranges[i]!.start + 1
  async function* parts() {
    try {
      for (let i = 0; i < ranges.length; i++) {
        yield Buffer.from(heads[i]!)
        const { start, end } = ranges[i]!
        yield* handle.createReadStream({ start, end, autoClose: false })
      }
      yield Buffer.from(tail)
    } finally {
      await handle.close()
    }
  }
  return {
    body: Readable.from(parts(), { objectMode: false }),
    length,
    contentType: `multipart/byteranges; boundary=${boundary}`,
  }
}
