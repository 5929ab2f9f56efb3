// Query strings and Cookie headers into null-prototype objects (keys come from the client).

import { HTTPException } from '../errors.ts'

/** A malformed percent-escape in the query string: the client's fault, answered with 400. */
export class MalformedQueryError extends HTTPException {
  override readonly code = 'HTTP_MALFORMED_QUERY'
  constructor(part: string) {
    super(400, `Malformed percent-encoding in query string: ${JSON.stringify(part.slice(0, 64))}`)
    this.name = 'MalformedQueryError'
  }
}

export type QueryObject = Record<string, string | string[]>

function decode(part: string): string {
  if (part.indexOf('%') === -1 && part.indexOf('+') === -1) return part
  try {
    return decodeURIComponent(part.indexOf('+') === -1 ? part : part.replaceAll('+', ' '))
  } catch {
    throw new MalformedQueryError(part)
  }
}

/** Most pairs one query string or urlencoded form may hold (qs's `parameterLimit`); beyond it the request is refused. */
export const MAX_QUERY_PARAMS = 1000

// invariant: repeated keys collect into an array in order; a key without '=' has the value ''
export function parseQuery(search: string): QueryObject {
  const out: QueryObject = Object.create(null)
  if (search.length === 0) return out
  let start = 0
  let pairs = 0
  while (start <= search.length) {
    if (++pairs > MAX_QUERY_PARAMS) throw new HTTPException(400, `Too many parameters: at most ${MAX_QUERY_PARAMS}`)
    let end = search.indexOf('&', start)
    if (end === -1) end = search.length
    if (end > start) {
      const eq = search.indexOf('=', start)
      const hasValue = eq !== -1 && eq < end
      const key = decode(search.slice(start, hasValue ? eq : end))
      const value = hasValue ? decode(search.slice(eq + 1, end)) : ''
      const prev = out[key]
      if (prev === undefined) out[key] = value
      else if (typeof prev === 'string') out[key] = [prev, value]
      else prev.push(value)
    }
    start = end + 1
  }
  return out
}

/** RFC 6265 §5.4 Cookie header: `a=1; b=2`. The first occurrence of a name wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (!header) return out
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const name = pair.slice(0, eq).trim()
    if (name === '' || name in out) continue
    let value = pair.slice(eq + 1).trim()
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      out[name] = value.indexOf('%') === -1 ? value : decodeURIComponent(value)
    } catch {
      out[name] = value
    }
  }
  return out
}
