// Tool names: clients reject names over 64 characters (fastapi_mcp #161, FastMCP #420) and some prefix the
// server's name (`mcp__<server>__<tool>`) before checking, so the limit is applied with room for the prefix.
import { createHash } from 'node:crypto'

/** MCP 2025-11-25 tools: "SHOULD be between 1 and 128 characters … A-Z, a-z, 0-9, _, -, ." — we keep to [a-z0-9_]. */
export function slugify(text: string): string {
  const slug = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  return slug === '' ? 'tool' : slug
}

/** The longest tool name that still fits `mcp__<server>__<tool>` within 64 characters (never below 32). */
export function nameLimit(serverName: string): number {
  return Math.max(32, 64 - 'mcp____'.length - slugify(serverName).length)
}

// invariant: the result is at most `limit` long and unique among `taken`; a cut name keeps a hash of the
// whole so two long names that share a prefix stay apart deterministically
export function uniqueName(base: string, limit: number, taken: Set<string>): string {
  let name = base
  if (name.length > limit) {
    const hash = createHash('sha256').update(base).digest('hex').slice(0, 8)
    name = `${base.slice(0, limit - 9).replace(/_+$/, '')}_${hash}`
  }
  const stem = name
  for (let i = 2; taken.has(name); i++) {
    const suffix = `_${i}`
    name = `${stem.slice(0, limit - suffix.length)}${suffix}`
  }
  taken.add(name)
  return name
}
