// Per-kind checks and conversions over path[start, end): no slicing, so a failed candidate allocates nothing.
import { BIGINT, FLOAT, INT, STR, UUID } from './pattern.ts'

function isDigit(c: number): boolean {
  return c >= 48 /* '0' */ && c <= 57 /* '9' */
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 /* 'a' */ && c <= 102) /* 'f' */ || (c >= 65 /* 'A' */ && c <= 70) /* 'F' */
}

function digitsEnd(path: string, start: number, end: number): number {
  let i = start
  while (i < end && isDigit(path.charCodeAt(i))) i++
  return i
}

// Number.MAX_SAFE_INTEGER, 2^53 - 1, as digits
const MAX_SAFE = '9007199254740991'

// Whether the digits path[start, end) are at most MAX_SAFE, leading zeros allowed: an int param must
// convert to exactly the number written, or not match (9007199254740993 would read as ...992).
function safeDigits(path: string, start: number, end: number): boolean {
  let i = start
  while (i < end - 1 && path.charCodeAt(i) === 48 /* '0' */) i++
  const n = end - i
  if (n !== MAX_SAFE.length) return n < MAX_SAFE.length
  for (let k = 0; k < n; k++) {
    const c = path.charCodeAt(i + k)
    const max = MAX_SAFE.charCodeAt(k)
    if (c !== max) return c < max
  }
  return true
}

// Past this many chars a float may overflow to Infinity (Number.MAX_VALUE has 309 integer digits).
const FLOAT_FINITE_CHARS = 309

// Starlette's convertors: int `[0-9]+` (and, here, at most 2^53 - 1), float `[0-9]+(\.[0-9]+)?` (finite),
// uuid 8-4-4-4-12 hex digits; bigint is `[0-9]+` of any length, converted to a bigint.
export function fits(kind: number, path: string, start: number, end: number): boolean {
  if (end <= start) return false
  if (kind === STR) return true
  if (kind === INT) return digitsEnd(path, start, end) === end && safeDigits(path, start, end)
  if (kind === BIGINT) return digitsEnd(path, start, end) === end
  if (kind === FLOAT) {
    const dot = digitsEnd(path, start, end)
    if (dot === start) return false
    if (end - start >= FLOAT_FINITE_CHARS && !Number.isFinite(Number(path.slice(start, end)))) return false
    if (dot === end) return true
    return path.charCodeAt(dot) === 46 /* '.' */ && dot + 1 < end && digitsEnd(path, dot + 1, end) === end
  }
  if (kind === UUID) {
    if (end - start !== 36) return false
    for (let i = 0; i < 36; i++) {
      const c = path.charCodeAt(start + i)
      if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 /* '-' */ : !isHex(c)) return false
    }
    return true
  }
  return true // PATH: anything, checked by the caller's bounds
}

// invariant: fits(kind, path, start, end). 15 digits stay below 2^53, so the loop is exact; an int of
// 16 digits or more (leading zeros) goes through Number(), exact too since fits() checked it is safe.
export function convert(
  kind: number,
  path: string,
  start: number,
  end: number,
  decode: boolean,
): string | number | bigint {
  if (kind === INT && end - start <= 15) {
    let n = 0
    for (let i = start; i < end; i++) n = n * 10 + path.charCodeAt(i) - 48
    return n
  }
  const text = path.slice(start, end)
  if (kind === INT || kind === FLOAT) return Number(text)
  if (kind === BIGINT) return BigInt(text)
  return decode ? decodeURIComponent(text) : text
}
