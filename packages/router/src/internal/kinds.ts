// Per-kind checks and conversions over path[start, end): no slicing, so a failed candidate allocates nothing.
import { FLOAT, INT, STR, UUID } from './pattern.ts'

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

// Starlette's convertors: int `[0-9]+`, float `[0-9]+(\.[0-9]+)?`, uuid 8-4-4-4-12 hex digits.
export function fits(kind: number, path: string, start: number, end: number): boolean {
  if (end <= start) return false
  if (kind === STR) return true
  if (kind === INT) return digitsEnd(path, start, end) === end
  if (kind === FLOAT) {
    const dot = digitsEnd(path, start, end)
    if (dot === start) return false
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

// 15 digits stay below 2^53, so the loop is exact; longer runs go through Number().
export function convert(kind: number, path: string, start: number, end: number, decode: boolean): string | number {
  if (kind === INT && end - start <= 15) {
    let n = 0
    for (let i = start; i < end; i++) n = n * 10 + path.charCodeAt(i) - 48
    return n
  }
  const text = path.slice(start, end)
  if (kind === INT || kind === FLOAT) return Number(text)
  return decode ? decodeURIComponent(text) : text
}
