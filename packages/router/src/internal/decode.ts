// Percent-decoding of a request path, once. The escapes of '/', '?', '#' and '%' stay encoded so that
// the path keeps its structure (an encoded slash stays inside its param) and nothing is decoded twice;
// params are decoded the rest of the way when they are read.

const KEPT = /%(?:2[35fF]|3[fF])/g

/** The path with every escape but %2F %3F %23 %25 decoded, or null when an escape is malformed. */
export function normalizePath(path: string): string | null {
  let out = ''
  let last = 0
  try {
    for (const kept of path.matchAll(KEPT)) {
      out += decodeURIComponent(path.slice(last, kept.index)) + kept[0].toUpperCase()
      last = kept.index + 3
    }
    return out + decodeURIComponent(path.slice(last))
  } catch {
    return null
  }
}

// Whether the first char where path[pos…] differs from `text` is a '%' (see Walker in compile.ts).
export function escapeAt(path: string, pos: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = path.charCodeAt(pos + i)
    if (c !== text.charCodeAt(i)) return c === 37
  }
  return false
}
