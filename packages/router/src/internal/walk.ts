// The interpreter: the same walk as the compiled tree (compile.ts), over the nodes, for routers made
// with `compile: false`. It takes a path with its query and fragment cut off (at `len`), raw or with
// its escapes decoded.
import type { RouteRecord } from '../route.ts'
import type { Allowed } from './allow.ts'
import { escapeAt } from './decode.ts'
import { fits } from './kinds.ts'
import { COMPOSITE, type Node } from './tree.ts'

export interface WalkState {
  // the methods of every leaf whose path matched but not its method, for the 405
  partial: Allowed | null
  // invariant: during a walk, param i spans path[st[2i], st[2i+1])
  st: Int32Array
  // the first '%' of a raw path, or -1: the walk sets `pct` when it reads it where a decoded char could
  // have led elsewhere, at the same places as the compiled walker (see Walker in compile.ts)
  pctAt: number
  pct: boolean
}

// Greedy like Starlette's `[^/]+` regexes: param i takes the last fitting occurrence of the literal
// after it, then backs off. Writes param bounds from st[2 * pi].
function fitsFrom(node: Node, path: string, pos: number, end: number, st: Int32Array, pi: number, i: number): boolean {
  const lit = node.literals[i + 1]!
  const kind = node.kinds[i]!
  if (i === node.count - 1) {
    const stop = end - lit.length
    if (!path.startsWith(lit, stop) || !fits(kind, path, pos, stop)) return false
    st[2 * (pi + i)] = pos
    st[2 * (pi + i) + 1] = stop
    return true
  }
  for (let at = path.lastIndexOf(lit, end - lit.length); at > pos; at = path.lastIndexOf(lit, at - 1)) {
    if (!fits(kind, path, pos, at)) continue
    st[2 * (pi + i)] = pos
    st[2 * (pi + i) + 1] = at
    if (fitsFrom(node, path, at + lit.length, end, st, pi, i + 1)) return true
  }
  return false
}

export function fitsComposite(node: Node, path: string, pos: number, end: number, st: Int32Array, pi: number): boolean {
  const first = node.literals[0]!
  return path.startsWith(first, pos) && fitsFrom(node, path, pos + first.length, end, st, pi, 0)
}

// invariant: path[0, pos) is matched by node and its ancestors; param bounds go to ctx.st by index,
// so a branch that fails allocates nothing. Tries static, then params by rank, then the catch-all.
export function walk(
  ctx: WalkState,
  node: Node,
  path: string,
  pos: number,
  len: number,
  m: number,
  pi: number,
): RouteRecord<unknown> | null {
  if (pos === len) {
    const leaf = node.leaf
    if (leaf !== null) {
      const route = leaf.handlers[m] ?? leaf.any
      if (route !== undefined) return route
      ctx.partial = ctx.partial === null ? leaf.allowed : ctx.partial.join(leaf.allowed)
    }
  } else {
    const i = (path.charCodeAt(pos) - node.lo) >>> 0
    if (i < node.span) {
      const child = node.table[i]
      if (child !== undefined && path.startsWith(child.part, pos)) {
        const found: RouteRecord<unknown> | null = walk(ctx, child, path, pos + child.part.length, len, m, pi)
        if (found !== null) return found
      } else if (ctx.pctAt >= pos && (child === undefined ? ctx.pctAt === pos : escapeAt(path, pos, child.part))) {
        ctx.pct = true
      }
    } else if (ctx.pctAt === pos && node.span > 0) ctx.pct = true
    const params = node.params
    if (params !== null) {
      let end = path.indexOf('/', pos)
      if (end === -1 || end > len) end = len
      if (ctx.pctAt >= pos && ctx.pctAt < end) ctx.pct = true
      const st = ctx.st
      for (let k = 0; k < params.length; k++) {
        const p = params[k]!
        if (p.kind === COMPOSITE) {
          if (!fitsComposite(p, path, pos, end, st, pi)) continue
        } else {
          if (!fits(p.kind, path, pos, end)) continue
          st[2 * pi] = pos
          st[2 * pi + 1] = end
        }
        const found: RouteRecord<unknown> | null = walk(ctx, p, path, end, len, m, pi + p.count)
        if (found !== null) return found
      }
    }
  }
  const wild = node.wild
  if (wild !== null) {
    const leaf = wild.leaf!
    const route = leaf.handlers[m] ?? leaf.any
    if (route !== undefined) {
      if (ctx.pctAt >= pos) ctx.pct = true
      ctx.st[2 * pi] = pos
      ctx.st[2 * pi + 1] = len
      return route
    }
    ctx.partial = ctx.partial === null ? leaf.allowed : ctx.partial.join(leaf.allowed)
  }
  return null
}
