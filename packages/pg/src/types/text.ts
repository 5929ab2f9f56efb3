// Parsers for the text format of a value (https://www.postgresql.org/docs/current/datatype.html).
// They take the value as a string; the registry wraps them to read straight from the socket's bytes.

export type TextParser = (text: string) => unknown

export const parseBool: TextParser = (text) => text === 't'
export const parseNumber: TextParser = (text) => Number(text)
export const parseBigInt: TextParser = (text) => BigInt(text)
export const parseJson: TextParser = (text) => JSON.parse(text)
export const identity: TextParser = (text) => text

/** bytea in hex format (`\x0a1b`), the server default since 9.0. */
export const parseBytea: TextParser = (text) => Buffer.from(text.slice(2), 'hex')

/**
 * `2024-01-02 03:04:05.123456+05:30`, `... BC`, `infinity` and `-infinity` (as ±Infinity). Without an
 * offset (timestamp without time zone) the value is read as UTC. Sub-millisecond digits are dropped.
 */
export function parseTimestamp(text: string): Date | number {
  if (text === 'infinity') return Number.POSITIVE_INFINITY
  if (text === '-infinity') return Number.NEGATIVE_INFINITY
  const dash = text.indexOf('-', 1)
  let year = Number(text.slice(0, dash))
  const month = Number(text.slice(dash + 1, dash + 3))
  const day = Number(text.slice(dash + 4, dash + 6))
  const hour = Number(text.slice(dash + 7, dash + 9))
  const minute = Number(text.slice(dash + 10, dash + 12))
  const second = Number(text.slice(dash + 13, dash + 15))
  let p = dash + 15
  let ms = 0
  if (text.charCodeAt(p) === 46 /* . */) {
    let scale = 100
    p++
    for (let c = text.charCodeAt(p); c >= 48 && c <= 57; c = text.charCodeAt(++p)) {
      ms += (c - 48) * scale
      scale /= 10
    }
    ms = Math.floor(ms)
  }
  let offset = 0
  const sign = text.charCodeAt(p)
  if (sign === 43 /* + */ || sign === 45 /* - */) {
    const h = Number(text.slice(p + 1, p + 3))
    const m = text.charCodeAt(p + 3) === 58 /* : */ ? Number(text.slice(p + 4, p + 6)) : 0
    const s = text.charCodeAt(p + 6) === 58 /* : */ ? Number(text.slice(p + 7, p + 9)) : 0
    offset = (sign === 45 ? -1 : 1) * (h * 3600 + m * 60 + s) * 1000
  }
  if (text.endsWith(' BC')) year = 1 - year
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  return new Date(date.getTime() - offset)
}

/**
 * Parses an array literal (`{1,2,NULL}`, `{{a,"b c"},{d,e}}`, `[0:1]={x,y}`) into nested arrays,
 * passing each non-NULL element through `parse`. `delimiter` is the element type's `typdelim`: ','
 * for every built-in type except box (';').
 */
export function parseArray(text: string, parse: TextParser, delimiter = 44 /* , */): unknown[] {
  let p = 0
  if (text.charCodeAt(0) === 91 /* [ */) p = text.indexOf('=') + 1
  const state = { p }
  return parseArrayAt(text, state, parse, delimiter)
}

function parseArrayAt(text: string, state: { p: number }, parse: TextParser, delimiter: number): unknown[] {
  const out: unknown[] = []
  let p = state.p + 1 // skip '{'
  if (text.charCodeAt(p) === 125 /* } */) {
    state.p = p + 1
    return out
  }
  for (;;) {
    const c = text.charCodeAt(p)
    if (c === 123 /* { */) {
      state.p = p
      out.push(parseArrayAt(text, state, parse, delimiter))
      p = state.p
    } else if (c === 34 /* " */) {
      let value = ''
      let start = ++p
      for (let d = text.charCodeAt(p); d !== 34; d = text.charCodeAt(p)) {
        if (d === 92 /* \ */) {
          value += text.slice(start, p)
          start = ++p
        }
        p++
      }
      value += text.slice(start, p++)
      out.push(parse(value))
    } else {
      const start = p
      while (text.charCodeAt(p) !== delimiter && text.charCodeAt(p) !== 125 /* } */) p++
      const raw = text.slice(start, p)
      out.push(raw.length === 4 && raw.toUpperCase() === 'NULL' ? null : parse(raw))
    }
    const sep = text.charCodeAt(p++)
    if (sep === 125 /* } */) break
  }
  state.p = p
  return out
}
