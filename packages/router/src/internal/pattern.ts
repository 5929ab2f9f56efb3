// Pattern parsing: '/users/{id:int}/files/{name}.{ext}' → static text runs, param segments and an
// optional catch-all, in order. Everything here runs at registration, never per request.
import { InvalidPatternError } from '../errors.ts'

// Param kinds, in priority order among single-param segments (lower tries first).
export const UUID = 0
export const INT = 1
// digits like int, tried after it: a route can take safe integers as numbers and the rest as bigints
export const BIGINT = 2
export const FLOAT = 3
export const STR = 4
export const PATH = 5
export const KIND_NAMES = ['uuid', 'int', 'bigint', 'float', 'str', 'path'] as const

export interface ParamSpec {
  readonly name: string
  readonly kind: number
}

export type Piece =
  | { readonly type: 'static'; readonly text: string }
  // one whole path segment: literals[0] params[0] literals[1] … params[n-1] literals[n]
  | {
      readonly type: 'segment'
      readonly key: string
      readonly params: readonly ParamSpec[]
      readonly literals: readonly string[]
    }
  | { readonly type: 'catchAll'; readonly name: string }

export interface ParsedPattern {
  readonly pattern: string
  readonly pieces: readonly Piece[]
  readonly params: readonly ParamSpec[]
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function kindOf(pattern: string, type: string): number {
  const kind = (KIND_NAMES as readonly string[]).indexOf(type)
  if (kind === -1) throw new InvalidPatternError(pattern, `unknown param type '${type}' (use ${KIND_NAMES.join(', ')})`)
  return kind
}

function checkName(pattern: string, name: string, seen: Set<string>): void {
  if (name === '__proto__' || (name !== '*' && !NAME.test(name)))
    throw new InvalidPatternError(pattern, `'${name}' is not a valid param name`)
  if (seen.has(name)) throw new InvalidPatternError(pattern, `param '${name}' appears twice`)
  seen.add(name)
}

// Splits one segment with braces into alternating literals and params.
function parseSegment(
  pattern: string,
  segment: string,
  seen: Set<string>,
  last: boolean,
): Exclude<Piece, { type: 'static' }> {
  const literals: string[] = []
  const params: ParamSpec[] = []
  let literal = ''
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!
    if (ch === '}') throw new InvalidPatternError(pattern, "'}' without '{'")
    if (ch !== '{') {
      literal += ch
      continue
    }
    const close = segment.indexOf('}', i)
    if (close === -1) throw new InvalidPatternError(pattern, "'{' without '}'")
    if (params.length > 0 && literal === '') {
      throw new InvalidPatternError(pattern, 'two params need static text between them')
    }
    const inner = segment.slice(i + 1, close)
    const colon = inner.indexOf(':')
    const name = colon === -1 ? inner : inner.slice(0, colon)
    const kind = colon === -1 ? STR : kindOf(pattern, inner.slice(colon + 1))
    checkName(pattern, name, seen)
    literals.push(literal)
    params.push({ name, kind })
    literal = ''
    i = close
  }
  literals.push(literal)
  const whole = params.length === 1 && literals[0] === '' && literals[1] === ''
  if (params.some((p) => p.kind === PATH)) {
    if (!whole || !last) throw new InvalidPatternError(pattern, 'a {name:path} param must be the whole last segment')
    return { type: 'catchAll', name: params[0]!.name }
  }
  const key = literals.map((lit, i) => (i < params.length ? `${lit}{${KIND_NAMES[params[i]!.kind]}}` : lit)).join('')
  return { type: 'segment', key, params, literals }
}

/** Parses a FastAPI-style pattern; `lower` folds the static text for a case-insensitive router. */
export function parsePattern(pattern: string, lower = false): ParsedPattern {
  if (pattern.charCodeAt(0) !== 47 /* '/' */) throw new InvalidPatternError(pattern, "it must start with '/'")
  if (/[?#]/.test(pattern)) throw new InvalidPatternError(pattern, "'?' and '#' cannot appear in a pattern")
  const segments = pattern.slice(1).split('/')
  const pieces: Piece[] = []
  const params: ParamSpec[] = []
  const seen = new Set<string>()
  let text = '/'
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!
    const last = s === segments.length - 1
    let piece: Exclude<Piece, { type: 'static' }> | null = null
    if (segment.charCodeAt(0) === 42 /* '*' */) {
      if (!last) throw new InvalidPatternError(pattern, "a '*' catch-all must be the last segment")
      const name = segment.length === 1 ? '*' : segment.slice(1)
      checkName(pattern, name, seen)
      piece = { type: 'catchAll', name }
    } else if (segment.includes('{') || segment.includes('}')) {
      piece = parseSegment(pattern, lower ? foldLiterals(segment) : segment, seen, last)
    }
    if (piece === null) {
      text += lower ? segment.toLowerCase() : segment
    } else {
      pieces.push({ type: 'static', text })
      pieces.push(piece)
      if (piece.type === 'catchAll') params.push({ name: piece.name, kind: PATH })
      else params.push(...piece.params)
      text = ''
    }
    if (!last) text += '/'
  }
  if (text !== '') pieces.push({ type: 'static', text })
  return { pattern, pieces, params }
}

// Lower-cases the static text of a segment, leaving the param names inside braces as written.
function foldLiterals(segment: string): string {
  return segment.replace(/(^|\})([^{]*)/g, (_, brace: string, lit: string) => brace + lit.toLowerCase())
}
