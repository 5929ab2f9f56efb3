// The 405 answer for a path: every method for which some route matching the path would succeed
// (RFC 9110 §15.5.6: the Allow header lists the methods the target resource supports). Each leaf
// has its own set, built at registration; a miss that matched several leaves joins their sets, and
// each join is computed once and then found in a small map, so a repeated 405 allocates nothing.
import type { RouteMethodNotAllowed } from '../match.ts'

// Distinct method sets one router keeps: its leaves' own and the joins that misses asked for. A path
// can only join leaves that exist, so this stays small; past the cap a join is answered uncached.
const MAX_SETS = 1024

/** One set of methods, interned per router by its `Allow` value, and its 405 answer. */
export class Allowed {
  readonly answer: RouteMethodNotAllowed
  private readonly sets: Map<string, Allowed>
  private readonly joins = new Map<Allowed, Allowed>()

  constructor(sets: Map<string, Allowed>, methods: readonly string[]) {
    this.sets = sets
    this.answer = Object.freeze({ status: 405, allowed: Object.freeze(methods), allow: methods.join(', ') })
  }

  /** The set of both: every method that either allows. */
  join(other: Allowed): Allowed {
    if (other === this) return this
    let joined = this.joins.get(other)
    if (joined === undefined) {
      joined = allowedOf(this.sets, [...this.answer.allowed, ...other.answer.allowed])
      if (this.joins.size < MAX_SETS) this.joins.set(other, joined)
    }
    return joined
  }
}

/** The interned set of `methods` (any order, repeats allowed); HEAD is implied by GET. */
export function allowedOf(sets: Map<string, Allowed>, methods: Iterable<string>): Allowed {
  const unique = new Set(methods)
  if (unique.has('GET')) unique.add('HEAD')
  const sorted = [...unique].sort()
  const key = sorted.join(', ')
  let set = sets.get(key)
  if (set === undefined) {
    set = new Allowed(sets, sorted)
    if (sets.size < MAX_SETS) sets.set(key, set)
  }
  return set
}
