// The tree compiled to JavaScript (find-my-way's and rou3's compilers do the same): static text becomes
// char-code comparisons against constants, child dispatch a `switch`, each param level a local for its
// segment end, and large subtrees functions of their own. Same order and semantics as walk() in
// walk.ts, which stays as the interpreter for `compile: false`; the shared test suite runs over both.
import { Found, NOT_FOUND, ParamsObject } from '../match.ts'
import type { RouteRecord } from '../route.ts'
import type { Allowed } from './allow.ts'
import { escapeAt } from './decode.ts'
import type { Context } from './find.ts'
import { convert, fits } from './kinds.ts'
import { STR } from './pattern.ts'
import { COMPOSITE, type Leaf, type Node, STANDARD_METHODS } from './tree.ts'

// invariant: routing stops at `len` or at the first '?' or '#', whichever comes first, so the walker
// takes a raw request path without scanning it first. It sets ctx.pct when it reads a '%' where a
// decoded char could have led elsewhere: inside a param or a catch-all, at a child dispatch, or as the
// first char where static text differs. A walk that leaves ctx.pct false would have given the same
// answer on the decoded path, since both agree up to the first '%' and the walk never reached it.
export type Walker = (
  path: string,
  len: number,
  m: number,
  st: Int32Array,
  ctx: { partial: unknown; pct: boolean; slashed: boolean },
) => RouteRecord<unknown> | null

// A walk met a leaf whose path matched but not the method (see Emitter.deny).
function deny(ctx: { partial: Allowed | null }, leaf: Leaf): void {
  ctx.partial = ctx.partial === null ? leaf.allowed : ctx.partial.join(leaf.allowed)
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
// While a node's code is longer than this, its largest child subtree becomes a function of its own:
// TurboFan does not optimize a function past ~60 KB of bytecode, and the GitHub API's one-function
// walker (65 KB of source) stayed in Maglev at ~3x the time per lookup. Measured on the GitHub set:
// 25 000 chars ~180 ns per lookup over every route, 8 000 and 4 000 ~250 (more calls), 60 000 ~175 but
// with functions close to the limit.
const HOIST_CHARS = 25_000

interface Pos {
  readonly base: string | null
  readonly off: number
}

const expr = (p: Pos) => (p.base === null ? String(p.off) : p.off === 0 ? p.base : `${p.base} + ${p.off}`)
const at = (p: Pos, i: number) => expr({ base: p.base, off: p.off + i })

// The path ends at p: its length, or its query or fragment.
const ends = (p: string) => `${p} >= len || path.charCodeAt(${p}) === 63 || path.charCodeAt(${p}) === 35`

// Whether path[pos…] starts with `text`, whose first char a switch has already matched. Char by char,
// each read kept in `ch`, so that after a failed test `ch` is the first char that differed.
function textTest(text: string, pos: Pos): string {
  if (text.length > INLINE_CHARS) return `path.startsWith(${JSON.stringify(text)}, ${expr(pos)})`
  const tests: string[] = []
  for (let i = 1; i < text.length; i++) tests.push(`(ch = path.charCodeAt(${at(pos, i)})) === ${text.charCodeAt(i)}`)
  return tests.join(' && ') || 'true'
}

// After textTest failed: whether it failed on a '%' (see Walker).
function escapeTest(text: string, pos: Pos): string | null {
  if (text.length > INLINE_CHARS) return `escapeAt(path, ${expr(pos)}, ${JSON.stringify(text)})`
  return text.length > 1 ? 'ch === 37' : null
}

// A route ends right after this node's text, or a catch-all takes the (empty) rest: the node's text
// closed by a slash is where a path without that slash would be redirected to.
const slashTarget = (node: Node) => node.leaf !== null || node.wild !== null

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

  // the path matched this leaf but not the method: its methods join the 405's (see allow.ts). A call,
  // not the expression inline: the longer text pushed the GitHub walker past HOIST_CHARS into one more
  // hoisted function; and it reuses the leaf's ref rather than adding one per leaf
  deny(leafRef: string): string {
    return `deny(ctx, ${leafRef})`
  }

  leafCheck(leafRef: string): string {
    return `{ const r = ${leafRef}.handlers[m] ?? ${leafRef}.any; if (r !== undefined) `
  }

  // A node's code, with its children's code in place or, while the whole is longer than HOIST_CHARS,
  // the largest child moved into a function of its own.
  node(node: Node, pos: Pos, pi: number): string {
    const children: { code: string; base: string | null }[] = []
    const child = (code: string, base: string | null) => `\u0000${children.push({ code, base }) - 1}\u0000`
    const s = this.skeleton(node, pos, pi, child)
    let total = s.length + children.reduce((n, c) => n + c.code.length, 0)
    const order = children.map((_, i) => i).sort((a, b) => children[b]!.code.length - children[a]!.code.length)
    for (const i of order) {
      if (total <= HOIST_CHARS) break
      const c = children[i]!
      const call = this.hoist(c.code, c.base)
      total -= c.code.length - call.length
      c.code = call
    }
    // the placeholders split the skeleton into text at even indices and child numbers at odd ones
    return s
      .split('\u0000')
      .map((part, i) => (i % 2 === 0 ? part : children[Number(part)]!.code))
      .join('')
  }

  private skeleton(node: Node, pos: Pos, pi: number, child: (code: string, base: string | null) => string): string {
    let s = ''
    if (node.leaf !== null) {
      const leaf = this.ref(node.leaf)
      const p = expr(pos)
      s += `if (${ends(p)}) ${this.leafCheck(leaf)}return r; ${this.deny(leaf)} }\n`
      // the path is this leaf's plus a trailing slash
      s += `else if (path.charCodeAt(${p}) === 47 && (${ends(at(pos, 1))})) ctx.slashed = true\n`
    }
    if (node.statics.length > 0) {
      for (const next of node.statics) {
        // the path ends where this child's text has only its closing slash left
        if (next.part === '/' && slashTarget(next)) s += `if (${ends(expr(pos))}) ctx.slashed = true\n`
      }
      s += `switch (path.charCodeAt(${expr(pos)})) {\n`
      for (const next of node.statics) {
        const part = next.part
        const inner = child(this.node(next, { base: pos.base, off: pos.off + part.length }, pi), pos.base)
        s += `case ${part.charCodeAt(0)}: if (${textTest(part, pos)}) {\n${inner}}\n`
        const failedOnEscape = escapeTest(part, pos)
        if (failedOnEscape !== null) s += `else if (${failedOnEscape}) ctx.pct = true\n`
        if (part.length > 1 && part.endsWith('/') && slashTarget(next)) {
          const short = part.slice(0, -1)
          s += `else if ((${ends(at(pos, short.length))}) && ${textTest(short, pos)}) ctx.slashed = true\n`
        }
        s += 'break\n'
      }
      // a '%' where a child's first char would be (a router whose static text holds a '%' checks the
      // whole path for one after a miss instead, see compileMatch)
      if (!node.statics.some((next) => next.part.charCodeAt(0) === 37)) s += 'case 37: ctx.pct = true\n'
      s += '}\n'
    }
    if (node.params !== null) {
      const e = this.fresh()
      const p = expr(pos)
      // the segment ends at the next /, ? or #; letters and digits cost two compares ('/' '#' '%' are
      // below '0'); written out because a helper call per param level did not get inlined
      s += `{ let ${e} = ${p}\nfor (; ${e} < len; ${e}++) { const c = path.charCodeAt(${e}); if (c < 48) { if (c === 47 || c === 35) break; if (c === 37) ctx.pct = true } else if (c === 63) break }\n`
      s += `if (${e} > ${p}) {\n`
      for (const param of node.params) {
        const inner = child(this.node(param, { base: e, off: 0 }, pi + param.count), e)
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
      s += `${this.deny(leaf)} }\n`
    }
    return s
  }

  // Moves a subtree's code into a function whose only free variable is `base` (none for a subtree at a
  // constant offset).
  private hoist(code: string, base: string | null): string {
    const name = `h${this.hoisted.length}`
    const args = base === null ? 'path, len, m, st, ctx' : `path, len, m, st, ctx, ${base}`
    this.hoisted.push(`function ${name}(${args}) {\nlet ch = 0\n${code}return null\n}`)
    return `{ const r = ${name}(${args}); if (r !== null) return r }\n`
  }
}

/** One function matching the whole tree; rebuilt after the routes change. */
export function compileTree(root: Node, fitsComposite: FitsComposite): Walker {
  const emitter = new Emitter()
  const body = emitter.node(root, { base: null, off: 0 }, 0)
  return link(emitter, `${walkerSource(emitter, body)}\nreturn walk`, [], fitsComposite) as Walker
}

function walkerSource(emitter: Emitter, body: string): string {
  return `${emitter.hoisted.join('\n')}\nfunction walk(path, len, m, st, ctx) {\nlet ch = 0\n${body}return null\n}`
}

function link(emitter: Emitter, source: string, env: [string, unknown][], fitsComposite: FitsComposite): unknown {
  const names = emitter.refs.map((_, i) => `r${i}`)
  const helpers: [string, unknown][] = [
    ['fits', fits],
    ['fitsComposite', fitsComposite],
    ['restEnd', restEnd],
    ['deny', deny],
    ['escapeAt', escapeAt],
    ...env,
  ]
  return new Function(...names, ...helpers.map(([n]) => n), `'use strict'\n${source}`)(
    ...emitter.refs,
    ...helpers.map(([, f]) => f),
  )
}

/** What the compiled entry takes besides the router's context, from find.ts (which imports this module). */
export interface MatchHooks {
  // a plain miss whose slash-toggled path matches (trailingSlash 'redirect'): its lazy 404
  readonly SlashMiss: new (
    ctx: Context,
    m: number,
    path: string,
  ) => unknown
  // everything else: a path with an escape, or trailingSlash 'ignore' after a miss
  readonly rest: (m: number, path: string) => unknown
}

export type Matcher = (method: string, path: string) => unknown

/**
 * The whole of `match()` for a compiled, case-sensitive router as one function: the method's id by a
 * switch, the static routes by a jump on the path's length and `===`, then the walk, and the found
 * result built in place. One call per request instead of five (entry, static lookup, walk, result,
 * miss handling): measured ~10 ns less per lookup, which is most of a miss's cost.
 */
export function compileMatch(
  ctx: Context,
  hooks: MatchHooks,
  fitsComposite: FitsComposite,
): { match: Matcher; walk: Walker } {
  const emitter = new Emitter()
  const body = emitter.node(ctx.root, { base: null, off: 0 }, 0)
  let methods = 'let m\nswitch (method) {\n'
  STANDARD_METHODS.forEach((method, i) => {
    methods += `case ${JSON.stringify(method)}: m = ${i + 1}; break\n`
  })
  methods += 'default: m = methods.get(method) ?? 0\n}\n'
  const source = `${walkerSource(emitter, body)}
return { walk, match: function match(method, path) {
${methods}${staticsSource(ctx.statics, emitter, 'return r.found')}
if (path.length > maxLength) return tooLong
ctx.pct = false
ctx.partial = null
ctx.slashed = false
const r = walk(path, path.length, m, st, ctx)
if (!ctx.pct) {
  if (r !== null) return r.found ?? new Found(r, path, false, st)
  ${missSource(ctx.slash, ctx.escapedText)}
}
return rest(m, path)
} }`
  const env: [string, unknown][] = [
    ['methods', ctx.methods],
    ['st', ctx.st],
    ['ctx', ctx],
    ['maxLength', ctx.maxLength],
    ['tooLong', ctx.tooLong],
    ['Found', Found],
    ['notFound', NOT_FOUND],
    ['SlashMiss', hooks.SlashMiss],
    ['rest', hooks.rest],
  ]
  return link(emitter, source, env, fitsComposite) as { match: Matcher; walk: Walker }
}

// The answer of a miss that read no '%' (see Walker), by find.ts's SLASH_STRICT, SLASH_REDIRECT,
// SLASH_IGNORE. The walk sets ctx.slashed when the path with its trailing slash toggled would match
// (exactly: see skeleton()), so a plain miss allocates nothing; a path of '/' alone has no slash to
// toggle. A router with a '%' in its static text cannot tell an escape that the walk read from a '%'
// that it matched, so it sends every path holding one to the decoding walk.
function missSource(slash: number, escapedText: boolean): string {
  const answer =
    slash === 0
      ? 'return notFound'
      : slash === 1
        ? 'return ctx.slashed && path.length > 1 ? new SlashMiss(ctx, m, path) : notFound'
        : 'if (!ctx.slashed) return notFound'
  const miss = `const denied = ctx.partial\nif (denied !== null) return denied.answer\n${answer}`
  return escapedText ? `if (path.indexOf('%') === -1) {\n${miss}\n}` : miss
}

// A jump on the path's length, then `===` against each static pattern of that length; `hit` runs with
// `r` the leaf's route for method `m`. Falls through when no route of the method matches.
function staticsSource(statics: ReadonlyMap<string, Leaf>, emitter: Emitter, hit: string): string {
  const byLength = new Map<number, [string, Leaf][]>()
  for (const [path, leaf] of statics) byLength.set(path.length, [...(byLength.get(path.length) ?? []), [path, leaf]])
  let s = 'switch (path.length) {\n'
  for (const [length, entries] of byLength) {
    s += `case ${length}:\n`
    for (const [path, leaf] of entries) {
      const r = emitter.ref(leaf)
      s += `if (path === ${JSON.stringify(path)}) { const r = ${r}.handlers[m] ?? ${r}.any; if (r !== undefined) ${hit}; break }\n`
    }
    s += 'break\n'
  }
  return `${s}}\n`
}

/** What a params factory reads: the matched path and the param bounds (see `Found`). */
export interface Captured {
  readonly path: string
  readonly decode: boolean
  readonly p0: number
  readonly p1: number
  readonly p2: number
  readonly p3: number
  readonly more: Int32Array | null
}

export type StaticLookup = (path: string, m: number) => RouteRecord<unknown> | undefined

/**
 * The routes without params as one function: a jump on the path's length, then `===` against each
 * pattern of that length. Measured faster than a Map for both interned and freshly decoded paths: no
 * hash to compute, and a length mismatch never looks at the chars.
 */
export function compileStatics(statics: ReadonlyMap<string, Leaf>): StaticLookup {
  const emitter = new Emitter()
  const body = staticsSource(statics, emitter, 'return r')
  const names = emitter.refs.map((_, i) => `r${i}`)
  return new Function(...names, `'use strict'\nreturn function statics(path, m) {\n${body}return undefined\n}`)(
    ...emitter.refs,
  ) as StaticLookup
}

export type ParamsBuilder = (found: Captured) => Record<string, string | number | bigint>

// see Found for the layout of the bounds
const bound = (i: number, end: 0 | 1) => {
  const packed = end === 0 ? `f.p${i} & 32767` : `f.p${i} >>> 15`
  return i < 4 ? `(f.more === null ? ${packed} : f.more[${2 * i + end}])` : `f.more[${2 * i + end}]`
}

// Factories by signature (names and kinds): routes that name their params alike share one factory, so
// one hidden class and one call target. Over the GitHub API's 167 param routes (25 signatures) this
// took building params from ~64 to ~30 ns per lookup: a call site with 167 targets and 167 maps was
// most of the cost. Capped, so that generated names cannot grow it without bound.
const factories = new Map<string, ParamsBuilder>()
const MAX_FACTORIES = 1024

/**
 * The params factory of a route: named stores in a fixed order, so every params object of a signature
 * shares one hidden class (a loop of keyed stores measured several times slower).
 * invariant: names are identifiers other than __proto__, or '*' (checked by parsePattern).
 */
export function compileParams(names: readonly string[], kinds: readonly number[]): ParamsBuilder {
  const key = `${names.join('/')}:${kinds.join('/')}`
  let build = factories.get(key)
  if (build === undefined) {
    build = compileFactory(names, kinds)
    if (factories.size < MAX_FACTORIES) factories.set(key, build)
  }
  return build
}

function compileFactory(names: readonly string[], kinds: readonly number[]): ParamsBuilder {
  const lines = names.map((name, i) => {
    const [a, b] = [bound(i, 0), bound(i, 1)]
    const kind = kinds[i]!
    const value =
      kind === STR
        ? `f.decode ? decodeURIComponent(f.path.slice(${a}, ${b})) : f.path.slice(${a}, ${b})`
        : `convert(${kind}, f.path, ${a}, ${b}, f.decode)`
    return `this[${JSON.stringify(name)}] = ${value}`
  })
  // a constructor of its own per signature: V8 sizes its objects from the stores in its body, exactly
  const source = `'use strict'\nfunction P(f) {\n${lines.join('\n')}\n}\nP.prototype = proto\nreturn function params(f) { return new P(f) }`
  return new Function('proto', 'convert', source)(ParamsObject.prototype, convert) as ParamsBuilder
}
