// The `input` of a 422 issue: the value at the issue's `loc` (FastAPI's meaning), cut to a bounded size and
// depth, so an error body never grows with the product of issues × body size and always serializes.

/** Budget of one 422 answer: string characters plus one per value, shared by all of its issues. */
export const INPUT_BUDGET_TOTAL = 64 * 1024
/** At most this much of the budget goes to one issue. */
export const INPUT_BUDGET_ISSUE = 2 * 1024
/** Containers deeper than this below the issue's `loc` are replaced by a marker. */
export const INPUT_MAX_DEPTH = 4
/** Longest string echoed whole; longer ones are cut and end in '…'. */
export const INPUT_MAX_STRING = 256
/** Most items (array) or keys (object) echoed from one container. */
export const INPUT_MAX_ITEMS = 32

/** A countdown shared by the issues of one request. */
export interface InputBudget {
  left: number
}

export function inputBudget(): InputBudget {
  return { left: INPUT_BUDGET_TOTAL }
}

/** The value at `path` under `root`, or undefined when the path leaves the value (a missing field). */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined
    if (!Object.hasOwn(node, key)) return undefined
    node = (node as Record<string | number, unknown>)[key]
  }
  return node
}

// invariant: what is returned is plain JSON data (no class instance, no cycle, no bigint), at most
// INPUT_MAX_DEPTH deep, and its size in budget units never exceeds what was taken from `budget`
export function clipInput(value: unknown, budget: InputBudget): unknown {
  if (budget.left <= 0) return undefined
  const issue = { left: Math.min(INPUT_BUDGET_ISSUE, budget.left) }
  const taken = issue.left
  const out = clip(value, issue, 0)
  budget.left -= taken - issue.left
  return out
}

const CUT = '…'

function clip(value: unknown, budget: InputBudget, depth: number): unknown {
  budget.left--
  switch (typeof value) {
    case 'string': {
      const max = Math.min(INPUT_MAX_STRING, Math.max(0, budget.left))
      budget.left -= Math.min(value.length, max)
      return value.length > max ? value.slice(0, max) + CUT : value
    }
    case 'number':
      return Number.isFinite(value) ? value : String(value)
    case 'boolean':
      return value
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return null
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (isUpload(value)) return { filename: value.filename, content_type: value.mimeType, size: value.size }
  if (depth >= INPUT_MAX_DEPTH) return CUT
  if (Array.isArray(value)) {
    const out: unknown[] = []
    const n = Math.min(value.length, INPUT_MAX_ITEMS)
    for (let i = 0; i < n && budget.left > 0; i++) out.push(clip(value[i], budget, depth + 1) ?? null)
    return out
  }
  const out: Record<string, unknown> = Object.create(null) // keys come from the client ('__proto__' too)
  let n = 0
  for (const key in value as object) {
    if (!Object.hasOwn(value as object, key)) continue
    if (n++ === INPUT_MAX_ITEMS || budget.left <= 0) break
    budget.left -= Math.min(key.length, INPUT_MAX_STRING)
    const v = clip((value as Record<string, unknown>)[key], budget, depth + 1)
    if (v !== undefined) out[key.length > INPUT_MAX_STRING ? key.slice(0, INPUT_MAX_STRING) + CUT : key] = v
  }
  return out
}

function isUpload(value: unknown): value is { filename: string; mimeType: string; size: number } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { filename?: unknown }).filename === 'string' &&
    typeof (value as { mimeType?: unknown }).mimeType === 'string' &&
    typeof (value as { size?: unknown }).size === 'number'
  )
}
