// Resolves a client-chosen relative path inside a root folder and opens it, for `staticFiles` and
// `Response.file(path, { root })`. Nothing outside the root is ever opened: the path is checked segment by
// segment before it touches the file system (no NUL, no backslash, no absolute or drive path, no empty, '.'
// or '..' segment), and unless `followSymlinks` is set the real path (symlinks resolved) must still lie in the
// root's real path, as Starlette's StaticFiles checks with follow_symlink=False.
import { constants, type Stats } from 'node:fs'
import { type FileHandle, open, realpath } from 'node:fs/promises'
import { join, sep } from 'node:path'

export interface RootOptions {
  /** Serve files whose real path (symlinks resolved) lies outside the root. @default false */
  followSymlinks?: boolean
  /** Serve files and folders whose name starts with a dot (`.env`, `.git`); otherwise they are missing. @default false */
  dotfiles?: boolean
}

export type Resolved =
  | { kind: 'file'; path: string; handle: FileHandle; stats: Stats }
  | { kind: 'directory'; path: string }
  | { kind: 'missing' }
  | { kind: 'refused'; reason: string }

/** A relative path split into checked segments; `trailingSlash` when it ends with '/'. */
export interface RelativePath {
  segments: string[]
  trailingSlash: boolean
}

const DRIVE = /^[a-zA-Z]:/

// O_NONBLOCK: opening a FIFO someone left in the folder returns at once instead of hanging the request;
// O_NOFOLLOW: the last component was resolved already, so a symlink swapped in meanwhile fails to open
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0

/** Checks a decoded relative path; a string is the reason it is refused. '' is the root itself. */
export function splitRelative(path: string): RelativePath | string {
  if (path.includes('\0')) return 'NUL byte in path'
  if (path.includes('\\')) return 'backslash in path'
  if (path.startsWith('/')) return 'absolute path'
  if (DRIVE.test(path)) return 'drive letter in path'
  if (path === '') return { segments: [], trailingSlash: true }
  const segments = path.split('/')
  const trailingSlash = segments[segments.length - 1] === ''
  if (trailingSlash) segments.pop()
  for (const s of segments) {
    if (s === '') return 'empty path segment'
    if (s === '.' || s === '..') return 'dot segment in path'
  }
  return { segments, trailingSlash }
}

/** `root`'s real path, or undefined when it does not exist. Resolve it once per root, not per request. */
export async function realRoot(root: string): Promise<string | undefined> {
  return realpath(root).catch(() => undefined)
}

function inside(rootReal: string, real: string): boolean {
  if (real === rootReal) return true
  return real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep)
}

/**
 * Opens `rel` under `rootReal` (a real path from `realRoot`). A file comes back open with its fstat; the
 * caller owns the handle and must close it (a read stream made from it with autoClose does).
 */
export async function resolveInRoot(rootReal: string, rel: RelativePath, options: RootOptions): Promise<Resolved> {
  if (options.dotfiles !== true && rel.segments.some((s) => s.startsWith('.'))) return { kind: 'missing' }
  const candidate = join(rootReal, ...rel.segments)
  let real = candidate
  if (options.followSymlinks !== true) {
    try {
      real = await realpath(candidate)
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ELOOP'
        ? { kind: 'refused', reason: 'symlink loop' }
        : { kind: 'missing' }
    }
    if (!inside(rootReal, real)) return { kind: 'refused', reason: 'symlink leaves the root' }
  }
  let handle: FileHandle
  try {
    handle = await open(real, options.followSymlinks === true ? OPEN_FLAGS : OPEN_FLAGS | NO_FOLLOW)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP'
      ? { kind: 'refused', reason: 'symlink swapped in' }
      : { kind: 'missing' }
  }
  let stats: Stats
  try {
    stats = await handle.stat()
  } catch {
    await handle.close()
    return { kind: 'missing' }
  }
  if (stats.isFile()) return { kind: 'file', path: real, handle, stats }
  await handle.close()
  return stats.isDirectory() ? { kind: 'directory', path: real } : { kind: 'missing' }
}

/** One call for `Response.file(path, { root })`: check, resolve the root, open. */
export async function openInRoot(root: string, path: string, options: RootOptions): Promise<Resolved> {
  const rel = splitRelative(path)
  if (typeof rel === 'string') return { kind: 'refused', reason: rel }
  const rootReal = await realRoot(root)
  if (rootReal === undefined) return { kind: 'missing' }
  return resolveInRoot(rootReal, rel, options)
}
