// The tree compiled to one JavaScript function per router (find-my-way's and rou3's compilers do the
// same): static text becomes char-code comparisons against constants, child dispatch a `switch`, and
// each param level a local for its segment end. Same order and semantics as walk() in find.ts, which
// stays as the interpreter for `compile: false`; the shared test suite runs over both.
import type { RouteRecord } from '../route.ts'
import { convert, fits } from './kinds.ts'
import { STR } from './pattern.ts'
import { COMPOSITE, type Leaf, type Node } from './tree.ts'

// invariant: routing stops at `len` or at the first '?' or '#', whichever comes first, so the walker
// takes a raw request path without scanning it first; a '%' inside a param sets ctx.pct.
export type Walker = (
  path: string,
  len: number,
  m: number,
  st: Int32Array,
  ctx: { partial: unknown; pct: boolean },
) => RouteRecord<unknown> | null

type Scan = (path: string, pos: number, len: number, ctx: { pct: boolean }) => number

// The end of the segment at pos: the next '/', '?' or '#'. Replaces an indexOf('/') and the scans for
// '?', '#' and '%' over the whole path (three indexOf calls measured ~3x the cost of the whole walk).
function segmentEnd(path: string, pos: number, len: number, ctx: { pct: boolean }): number {
  for (let i = pos; i < len; i++) {
    const c = path.charCodeAt(i)
    if (c === 47 /* '/' */ || c === 63 /* '?' */ || c === 35 /* '#' */) return i
    if (c === 37 /* '%' */) ctx.pct = true
  }
  return len
}

// The end of a catch-all at pos: the next '?' or '#'.
function restEnd(path: string, pos: number, len: number, ctx: { pct: boolean }): number {
  for (let i = pos; i < len; i++) {
    const c = path.charCodeAt(i)
    if (c === 63 /* '?' */ || c === 35 /* '#' */) return i
    if (c === 37 /* '%' */) ctx.pct = true
  }
  return len
}

type FitsComposite = (node: Node, path: string, pos: number, end: number, st: Int32Array, pi: number) => boolean

// Up to this many chars a part is compared char by char; longer ones use startsWith.
const INLINE_CHARS = 16
// A param subtree whose code is longer than this becomes a function of its own: TurboFan does not
// optimize a function past ~60 KB of bytecode, and the GitHub API's one-function walker (65 KB of
// source) stayed in Maglev at ~3x the time per lookup.
const HOIST_CHARS = 6000

interface Pos {
  readonly base: string | null
  readonly off: number
}

const expr = (p: Pos) => (p.base === null ? String(p.off) : p.off === 0 ? p.base : `${p.base} + ${p.off}`)
const at = (p: Pos, i: number) => expr({ base: p.base, off: p.off + i })

class Emitter {
  readonly refs: unknown[] = []
  readonly hoisted: string[] = []
  private vars = 0

  ref(value: unknown): string {
    this.refs.push(value)
    return `r${this.refs.length - 1}`
  }

  fresh(): string {
    return `e${this.vars++}`
  }

  leafCheck(leafRef: string): string {
    return `{ const r = ${leafRef}.handlers[m] ?? ${leafRef}.any; if (r !== undefined) `
  }

  node(node: Node, pos: Pos, pi: number): string {
    let s = ''
    if (node.leaf !== null) {
      const leaf = this.ref(node.leaf)
      const p = expr(pos)
      const end = `${p} >= len || path.charCodeAt(${p}) === 63 || path.charCodeAt(${p}) === 35`
      s += `if (${end}) ${this.leafCheck(leaf)}return r; if (ctx.partial === null) ctx.partial = ${leaf} }\n`
    }
    if (node.statics.length > 0) {
      s += `switch (path.charCodeAt(${expr(pos)})) {\n`
      for (const child of node.statics) {
        const part = child.part
        const tests: string[] = []
        if (part.length > INLINE_CHARS) tests.push(`path.startsWith(${JSON.stringify(part)}, ${expr(pos)})`)
        else
          for (let i = 1; i < part.length; i++) tests.push(`path.charCodeAt(${at(pos, i)}) === ${part.charCodeAt(i)}`)
        const inner = this.node(child, { base: pos.base, off: pos.off + part.length }, pi)
        s += `case ${part.charCodeAt(0)}: if (${tests.join(' && ') || 'true'}) {\n${inner}}\nbreak\n`
      }
      s += '}\n'
    }
    if (node.params !== null) {
      const e = this.fresh()
      const p = expr(pos)
      s += `{ const ${e} = segmentEnd(path, ${p}, len, ctx)\nif (${e} > ${p}) {\n`
      for (const param of node.params) {
        const inner = this.hoist(this.node(param, { base: e, off: 0 }, pi + param.count), e)
        if (param.kind === COMPOSITE) {
          s += `if (fitsComposite(${this.ref(param)}, path, ${p}, ${e}, st, ${pi})) {\n${inner}}\n`
        } else {
          const test = param.kind === STR ? 'true' : `fits(${param.kind}, path, ${p}, ${e})`
          s += `if (${test}) { st[${2 * pi}] = ${p}; st[${2 * pi + 1}] = ${e}\n${inner}}\n`
        }
      }
      s += '} }\n'
    }
    if (node.wild !== null) {
      const leaf = this.ref(node.wild.leaf)
      s += `${this.leafCheck(leaf)}{ st[${2 * pi}] = ${expr(pos)}; st[${2 * pi + 1}] = restEnd(path, ${expr(pos)}, len, ctx); return r }\n`
      s += `if (ctx.partial === null) ctx.partial = ${leaf} }\n`
    }
    return s
  }

  // Moves a subtree's code into a function whose only free variable is `base`.
  private hoist(code: string, base: string): string {
    if (code.length <= HOIST_CHARS) return code
    const name = `h${this.hoisted.length}`
    this.hoisted.push(`function ${name}(path, len, m, st, ctx, ${base}) {\n${code}return null\n}`)
    return `{ const r = ${name}(path, len, m, st, ctx, ${base}); if (r !== null) return r }\n`
  }
}

/** One function matching the whole tree; rebuilt after the routes change. */
export function compileTree(root: Node, fitsComposite: FitsComposite): Walker {
  const emitter = new Emitter()
  const body = emitter.node(root, { base: null, off: 0 }, 0)
  const names = emitter.refs.map((_, i) => `r${i}`)
  const hoisted = emitter.hoisted.join('\n')
  const source = `'use strict'\n${hoisted}\nreturn function walk(path, len, m, st, ctx) {\n${body}return null\n}`
  const helpers: [string, Scan | typeof fits | FitsComposite][] = [
    ['fits', fits],
    ['fitsComposite', fitsComposite],
    ['segmentEnd', segmentEnd],
    ['restEnd', restEnd],
  ]
  return new Function(...names, ...helpers.map(([n]) => n), source)(
    ...emitter.refs,
    ...helpers.map(([, f]) => f),
  ) as Walker
}

/** What a params factory reads: the matched path and the param bounds (see `Found`). */
export interface Captured {
  readonly path: string
  readonly decode: boolean
  readonly s0: number
  readonly e0: number
  readonly s1: number
  readonly e1: number
  readonly more: Int32Array | null
}

export type StaticLookup = (path: string, m: number) => RouteRecord<unknown> | undefined

/**
 * The routes without params as one function: a jump on the path's length, then `===` against each
 * pattern of that length. Measured faster than a Map for both interned and freshly decoded paths: no
 * hash to compute, and a length mismatch never looks at the chars.
 */
export function compileStatics(statics: ReadonlyMap<string, Leaf>): StaticLookup {
  const byLength = new Map<number, [string, Leaf][]>()
  for (const [path, leaf] of statics) byLength.set(path.length, [...(byLength.get(path.length) ?? []), [path, leaf]])
  const refs: Leaf[] = []
  let body = 'switch (path.length) {\n'
  for (const [length, entries] of byLength) {
    body += `case ${length}:\n`
    for (const [path, leaf] of entries) {
      const r = `r${refs.push(leaf) - 1}`
      body += `if (path === ${JSON.stringify(path)}) return ${r}.handlers[m] ?? ${r}.any\n`
    }
    body += 'return undefined\n'
  }
  body += '}\nreturn undefined'
  const names = refs.map((_, i) => `r${i}`)
  return new Function(...names, `'use strict'\nreturn function statics(path, m) {\n${body}\n}`)(...refs) as StaticLookup
}

export type ParamsBuilder = (found: Captured) => Record<string, string | number>

const bound = (i: number, end: 0 | 1) => (i < 2 ? `f.${end ? 'e' : 's'}${i}` : `f.more[${2 * (i - 2) + end}]`)

/**
 * A params factory for one route: named stores in a fixed order, so every params object of a route
 * shares one hidden class (a loop of keyed stores measured several times slower).
 * invariant: names are identifiers other than __proto__, or '*' (checked by parsePattern).
 */
export function compileParams(
  names: readonly string[],
  kinds: readonly number[],
  Params: new () => object,
): ParamsBuilder {
  const lines = names.map((name, i) => {
    const [a, b] = [bound(i, 0), bound(i, 1)]
    const kind = kinds[i]!
    const value =
      kind === STR
        ? `f.decode ? decodeURIComponent(f.path.slice(${a}, ${b})) : f.path.slice(${a}, ${b})`
        : `convert(${kind}, f.path, ${a}, ${b}, f.decode)`
    return `p[${JSON.stringify(name)}] = ${value}`
  })
  const source = `'use strict'\nreturn function params(f) {\nconst p = new Params()\n${lines.join('\n')}\nreturn p\n}`
  return new Function('Params', 'convert', source)(Params, convert) as ParamsBuilder
}
