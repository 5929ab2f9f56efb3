// Splits a SQL script into statements at top-level semicolons: the extended query protocol runs one statement
// per Parse. Skips over what may hold a ';' without ending a statement: '…' and E'…' strings, "…" identifiers,
// $tag$…$tag$ bodies, -- line and /* nested */ block comments.

// invariant: i only moves forward; every branch consumes at least one character
export function splitStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const c = script[i]!
    if (c === "'" || c === '"') {
      i = script.indexOf(c, i + 1)
      // a doubled quote is an escaped one: keep scanning after it
      while (i !== -1 && script[i + 1] === c) i = script.indexOf(c, i + 2)
      i = i === -1 ? n : i + 1
    } else if (c === '-' && script[i + 1] === '-') {
      i = script.indexOf('\n', i)
      i = i === -1 ? n : i + 1
    } else if (c === '/' && script[i + 1] === '*') {
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (script[i] === '/' && script[i + 1] === '*') {
          depth++
          i += 2
        } else if (script[i] === '*' && script[i + 1] === '/') {
          depth--
          i += 2
        } else i++
      }
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64))
      if (tag === null) i++
      else {
        const end = script.indexOf(tag[0], i + tag[0].length)
        i = end === -1 ? n : end + tag[0].length
      }
    } else if (c === ';') {
      out.push(script.slice(start, i))
      i++
      start = i
    } else i++
  }
  out.push(script.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '')
}
