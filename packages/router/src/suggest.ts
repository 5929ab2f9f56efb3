// "Did you mean": the registered patterns closest to a path that matched nothing.
import { distance } from 'fastest-levenshtein'

// A pattern's params are written like the path's segment at the same place, so '/users/42' is
// close to '/users/{id}' rather than 4 edits away.
function instantiate(pattern: string, segments: readonly string[]): string {
  return pattern
    .split('/')
    .map((part, i) => (part.includes('{') || part.startsWith('*') ? (segments[i] ?? part) : part))
    .join('/')
}

/** Up to `limit` patterns, closest first, within a distance of a third of the path's length (at least 2). */
export function suggestPatterns(patterns: Iterable<string>, path: string, limit: number): string[] {
  const end = path.search(/[?#]/)
  const clean = end === -1 ? path : path.slice(0, end)
  const segments = clean.split('/')
  const budget = Math.max(2, Math.floor(clean.length / 3))
  const scored: { pattern: string; d: number }[] = []
  for (const pattern of new Set(patterns)) {
    const d = distance(clean, instantiate(pattern, segments))
    if (d <= budget) scored.push({ pattern, d })
  }
  scored.sort((a, b) => a.d - b.d || a.pattern.localeCompare(b.pattern))
  return scored.slice(0, limit).map((s) => s.pattern)
}
