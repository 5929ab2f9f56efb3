// A route handler serving a folder: `app.get('/static/{path:path}', staticFiles('./public'))`. Validators and
// conditional requests (RFC 9110 §8.8, §13), byte ranges (§14, several as multipart/byteranges), precompressed siblings chosen by
// Accept-Encoding, index files, an optional SPA fallback; bodies are streamed from an open file handle.
// Every path goes through static-path.ts, so nothing outside the folder is served.
import type { Stats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { type Encoding, negotiate } from './compression.ts'
import type { RequestContext } from './context.ts'
import { HTTPException } from './errors.ts'
import { contentTypeFor } from './mime-types.ts'
import { Response } from './response.ts'
import {
  type RelativePath,
  type Resolved,
  type RootOptions,
  realRoot,
  resolveInRoot,
  splitRelative,
} from './static-path.ts'
import { byteRangesBody, parseRange } from './static-range.ts'

export interface StaticFilesOptions extends RootOptions {
  /** File served for a folder (a path ending in '/'); `false` to serve none. @default 'index.html' */
  index?: string | false
  /** A file (relative to the folder) served with 200 when a path finds nothing, for single-page apps. */
  fallback?: string
  /** Send an ETag and answer If-None-Match / If-Match. @default true */
  etag?: boolean
  /** Send Last-Modified and answer If-Modified-Since / If-Unmodified-Since. @default true */
  lastModified?: boolean
  /** Cache-Control value, or a function of the served file's relative path. @default 'no-cache' (revalidate) */
  cacheControl?: string | ((path: string) => string | undefined)
  /**
   * Serve `file.br`, `file.zst` or `file.gz` beside `file` when the client accepts that encoding (`true` for all
   * three, in that order of preference when the client ranks them alike). @default false
   */
  precompressed?: boolean | readonly Encoding[]
  /** Content types by extension (without the dot) on top of the built-in table. */
  contentTypes?: Readonly<Record<string, string>>
  /** The route param holding the path. @default 'path', or the route's only param */
  param?: string
}

/** A request path the folder refuses to resolve (traversal, NUL, backslash, encoded '/'): answered 404. */
export class UnsafePathError extends HTTPException {
  override readonly code = 'HTTP_UNSAFE_PATH'
  readonly reason: string
  constructor(reason: string) {
    super(404, 'Not Found')
    this.name = 'UnsafePathError'
    this.reason = reason
  }
}

const SUFFIX: Readonly<Record<Encoding, string>> = { br: '.br', zstd: '.zst', gzip: '.gz' }
const ALL_ENCODINGS: readonly Encoding[] = ['br', 'zstd', 'gzip']
// an encoded '/' or '\' would let one param segment name a deeper (or parent) path: refused before decoding matters
const ENCODED_SEPARATOR = /%(?:2f|5c)/i

interface Served {
  file: Extract<Resolved, { kind: 'file' }>
  /** The relative path of the file as named (the type comes from it, not from a `.br` sibling). */
  name: string
  encoding: Encoding | undefined
}

/**
 * A handler for a route with a `{path:path}` param that serves files from `dir` and nothing outside it.
 * @example
 * app.get('/static/{path:path}', { includeInSchema: false }, staticFiles('./public', { precompressed: true }))
 * app.get('/{path:path}', staticFiles('./dist', { fallback: 'index.html' })) // a single-page app
 */
export function staticFiles(
  dir: string,
  options: StaticFilesOptions = {},
): (args: { params: object; request: RequestContext }) => Promise<Response> {
  const index = options.index ?? 'index.html'
  const encodings = options.precompressed === true ? ALL_ENCODINGS : options.precompressed || []
  const fallback = options.fallback === undefined ? undefined : splitRelative(options.fallback)
  if (typeof fallback === 'string') throw new TypeError(`staticFiles: fallback ${options.fallback}: ${fallback}`)
  let root: string | undefined // the real path, once the folder exists

  return async ({ params, request }) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new HTTPException(405, undefined, { allow: 'GET, HEAD' })
    }
    const raw = pathParam(params as Record<string, unknown>, options.param)
    if (ENCODED_SEPARATOR.test(request.path)) throw new UnsafePathError('encoded separator in path')
    const rel = splitRelative(raw)
    if (typeof rel === 'string') throw new UnsafePathError(rel)
    root ??= await realRoot(dir)
    if (root === undefined) throw new HTTPException(404)
    let found = await resolveInRoot(root, rel, options)
    let segments = rel.segments
    if (found.kind === 'refused') throw new UnsafePathError(found.reason)
    if (found.kind === 'directory' && index !== false) {
      if (!rel.trailingSlash) {
        return Response.redirect(`${request.path}/${request.search === '' ? '' : `?${request.search}`}`, 307)
      }
      segments = [...segments, index]
      found = await resolveInRoot(root, { segments, trailingSlash: false }, options)
    }
    if (found.kind !== 'file' && fallback !== undefined) {
      segments = fallback.segments
      found = await resolveInRoot(root, fallback, options)
    }
    if (found.kind !== 'file') throw new HTTPException(404)
    const served = await precompressed(root, segments, found, encodings, request, options)
    return respond(request, served, options, encodings.length > 0)
  }
}

function pathParam(params: Record<string, unknown>, name: string | undefined): string {
  if (name !== undefined || 'path' in params) {
    const value = params[name ?? 'path']
    if (typeof value === 'string') return value
  } else {
    const values = Object.values(params)
    if (values.length === 1 && typeof values[0] === 'string') return values[0]
  }
  throw new TypeError(`staticFiles: the route has no string param ${JSON.stringify(name ?? 'path')}`)
}

// the best sibling the client accepts; a missing one is skipped for the next best
async function precompressed(
  root: string,
  segments: string[],
  file: Served['file'],
  encodings: readonly Encoding[],
  request: RequestContext,
  options: RootOptions,
): Promise<Served> {
  const name = segments.join('/')
  const accept = request.headers['accept-encoding']
  if (encodings.length === 0 || accept === undefined) return { file, name, encoding: undefined }
  let offered = encodings
  for (;;) {
    const encoding = negotiate(Array.isArray(accept) ? accept.join(',') : accept, offered)
    if (encoding === undefined) return { file, name, encoding: undefined }
    const last = segments.length - 1
    const sibling: RelativePath = {
      segments: segments.map((s, i) => (i === last ? s + SUFFIX[encoding] : s)),
      trailingSlash: false,
    }
    const found = await resolveInRoot(root, sibling, options)
    if (found.kind === 'file') {
      await file.handle.close()
      return { file: found, name, encoding }
    }
    offered = offered.filter((e) => e !== encoding)
  }
}

/** A strong validator from size and mtime (as nginx): a new write gives a new tag. */
function entityTag(stats: Stats, encoding: Encoding | undefined): string {
  const base = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`
  return `"${encoding === undefined ? base : `${base}-${encoding}`}"`
}

function respond(request: RequestContext, served: Served, options: StaticFilesOptions, varies: boolean): Response {
  const { handle, stats } = served.file
  const headers: Record<string, string | number> = { 'accept-ranges': 'bytes' }
  const etag = options.etag === false ? undefined : entityTag(stats, served.encoding)
  const modified = options.lastModified === false ? undefined : stats.mtime.toUTCString()
  if (etag !== undefined) headers.etag = etag
  if (modified !== undefined) headers['last-modified'] = modified
  const cache =
    typeof options.cacheControl === 'function'
      ? options.cacheControl(served.name)
      : (options.cacheControl ?? 'no-cache')
  if (cache !== undefined) headers['cache-control'] = cache
  if (varies) headers.vary = 'Accept-Encoding'

  const verdict = preconditions(request.headers, etag, stats)
  if (verdict !== 200) {
    void handle.close()
    if (verdict === 412) throw new HTTPException(412, 'Precondition Failed')
    return new Response(null, { status: 304, headers })
  }
  headers['content-type'] = contentTypeFor(served.name, options.contentTypes)
  if (served.encoding !== undefined) headers['content-encoding'] = served.encoding

  const range = request.method === 'GET' ? rangeHeader(request.headers, etag, modified) : undefined
  if (range !== undefined && stats.size > 0) {
    const chosen = parseRange(range, stats.size)
    if (chosen === 'unsatisfiable') {
      void handle.close()
      throw new HTTPException(416, 'Range Not Satisfiable', { 'content-range': `bytes */${stats.size}` })
    }
    if (chosen !== undefined && chosen.length === 1) {
      const { start, end } = chosen[0]!
      headers['content-range'] = `bytes ${start}-${end}/${stats.size}`
      headers['content-length'] = end - start + 1
      const r = new Response(stream(handle, start, end), { status: 206, headers })
      r.compress = false // the range counts bytes of this representation; re-encoding would break it
      return r
    }
    if (chosen !== undefined && served.encoding === undefined) {
      const multi = byteRangesBody(handle, chosen, stats.size, String(headers['content-type']))
      headers['content-type'] = multi.contentType
      headers['content-length'] = multi.length
      const r = new Response(multi.body, { status: 206, headers })
      r.compress = false
      return r
    }
  }
  headers['content-length'] = stats.size
  return new Response(stream(handle, 0, stats.size - 1), { headers })
}

// `end` is inclusive; an empty file gets a stream with no range at all
function stream(handle: FileHandle, start: number, end: number) {
  return end < start
    ? handle.createReadStream({ autoClose: true })
    : handle.createReadStream({ start, end, autoClose: true })
}

// RFC 9110 §13.2.2's order: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since
function preconditions(headers: RequestContext['headers'], etag: string | undefined, stats: Stats): 200 | 304 | 412 {
  const seconds = Math.floor(stats.mtimeMs / 1000) * 1000
  const ifMatch = headers['if-match']
  if (ifMatch !== undefined) {
    if (etag === undefined || !matches(ifMatch, etag, true)) return 412
  } else {
    const since = httpDate(headers['if-unmodified-since'])
    if (since !== undefined && seconds > since) return 412
  }
  const ifNoneMatch = headers['if-none-match']
  if (ifNoneMatch !== undefined) return etag !== undefined && matches(ifNoneMatch, etag, false) ? 304 : 200
  const since = httpDate(headers['if-modified-since'])
  if (since !== undefined && seconds <= since) return 304
  return 200
}

// the Range header when If-Range (if any) still names this representation: a strong tag or the exact date
function rangeHeader(
  headers: RequestContext['headers'],
  etag: string | undefined,
  modified: string | undefined,
): string | undefined {
  const range = headers.range
  if (range === undefined) return undefined
  const ifRange = headers['if-range']
  if (typeof ifRange !== 'string') return range
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) {
    return etag !== undefined && ifRange === etag ? range : undefined
  }
  return modified !== undefined && httpDate(ifRange) === Date.parse(modified) ? range : undefined
}

// an entity-tag list (RFC 9110 §8.8.3.2): weak comparison for If-None-Match, strong for If-Match
function matches(list: string, etag: string, strong: boolean): boolean {
  if (list.trim() === '*') return true
  for (const part of list.split(',')) {
    const tag = part.trim()
    if (strong) {
      if (tag === etag) return true
    } else if ((tag.startsWith('W/') ? tag.slice(2) : tag) === etag) return true
  }
  return false
}

function httpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const t = Date.parse(value)
  return Number.isNaN(t) ? undefined : t
}
