// The Range header (RFC 9110 §14.1.2): `bytes=0-99`, `bytes=100-`, `bytes=-500`. One satisfiable range is
// served as 206; several are answered with the whole representation (a server MAY ignore Range, §14.2),
// which spares multipart/byteranges and the amplification of overlapping ranges.

export interface ByteRange {
  start: number
  /** Inclusive. */
  end: number
}

// more ranges than this are not worth parsing: the answer is the whole file anyway
const MAX_RANGES = 16

/**
 * The one range to serve for `header` over `size` bytes (> 0); `'unsatisfiable'` when every range lies past
 * the end (answered 416); `undefined` to ignore the header (malformed, another unit, or several ranges).
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return undefined
  const specs = header.slice(eq + 1).split(',')
  if (specs.length > MAX_RANGES) return undefined
  let chosen: ByteRange | undefined
  let satisfiable = 0
  for (const raw of specs) {
    const spec = raw.trim()
    const dash = spec.indexOf('-')
    if (dash === -1) return undefined
    const first = spec.slice(0, dash)
    const last = spec.slice(dash + 1)
    if (!isDigits(first) && first !== '') return undefined
    if (!isDigits(last) && last !== '') return undefined
    let range: ByteRange | undefined
    if (first === '') {
      if (last === '') return undefined
      const suffix = Number(last) // the last N bytes
      if (suffix > 0) range = { start: Math.max(0, size - suffix), end: size - 1 }
    } else {
      const start = Number(first)
      const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
      if (last !== '' && Number(last) < start) return undefined // first > last: invalid, so ignored
      if (start < size) range = { start, end }
    }
    if (range !== undefined) {
      satisfiable++
      chosen = range
    }
  }
  if (satisfiable === 0) return 'unsatisfiable'
  return satisfiable === 1 ? chosen : undefined
}

function isDigits(s: string): boolean {
  return s.length > 0 && s.length <= 15 && /^\d+$/.test(s)
}
