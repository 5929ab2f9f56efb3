import { NotCloneableError } from './errors.ts'

/** Where a value that cannot cross to a worker sits, and why. */
export interface NotCloneable {
  path: string
  reason: string
}

/**
 * Finds the first part of `value` that structured clone would refuse (a function, a symbol, a promise, a
 * socket) or would silently change (a class instance arrives as a plain object, without its methods).
 * Meant for registration time, e.g. when a route declares that its handler runs on the executor.
 * @example findNotCloneable({ db: pool }, 'deps') // { path: 'deps.db', reason: 'an instance of Pool, ...' }
 */
export function findNotCloneable(value: unknown, path = 'value'): NotCloneable | undefined {
  return walk(value, path, new Set())
}

/** True when `value` reaches a worker as an equal value. */
export function canCrossThreads(value: unknown): boolean {
  return findNotCloneable(value) === undefined
}

/** Throws `NotCloneableError` (code `EXECUTOR_NOT_CLONEABLE`, with the path) unless `value` can cross. */
export function assertCanCrossThreads(value: unknown, path = 'value'): void {
  const found = findNotCloneable(value, path)
  if (found !== undefined) throw new NotCloneableError(found.path, found.reason)
}

function walk(value: unknown, path: string, seen: Set<object>): NotCloneable | undefined {
  if (typeof value === 'function') return { path, reason: `a function (${value.name || 'anonymous'})` }
  if (typeof value === 'symbol') return { path, reason: 'a symbol' }
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined
  seen.add(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], `${path}[${i}]`, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) {
    for (const key of Object.keys(value)) {
      const found = walk((value as Record<string, unknown>)[key], `${path}.${key}`, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      const found = walk(key, `${path}<key>`, seen) ?? walk(entry, `${path}.get(${String(key)})`, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (value instanceof Set) {
    for (const entry of value) {
      const found = walk(entry, `${path}<entry>`, seen)
      if (found !== undefined) return found
    }
    return undefined
  }
  return checkBuiltin(value, path)
}

// Anything else is either a cloneable built-in (Date, RegExp, ArrayBuffer, typed arrays, errors, Blob) or a
// class instance / host object; structured clone itself tells them apart.
function checkBuiltin(value: object, path: string): NotCloneable | undefined {
  const name = value.constructor?.name ?? 'Object'
  let copy: unknown
  try {
    copy = structuredClone(value)
  } catch {
    return { path, reason: `an instance of ${name}, which structured clone refuses` }
  }
  if (value instanceof Error) return undefined
  if (Object.getPrototypeOf(copy) !== Object.getPrototypeOf(value)) {
    return { path, reason: `an instance of ${name}, which would arrive as a plain object without its methods` }
  }
  return undefined
}
