// What a handler may return besides a plain value (which becomes JSON): a Response with a status,
// headers and a body that is text, bytes, a stream or a file.
import { resolve } from 'node:path'
import { Readable } from 'node:stream'
import { appendSetCookie, type CookieOptions, deletionCookie, serializeCookie } from './cookies.ts'
import { contentTypeFor, OCTET_STREAM } from './mime-types.ts'
import { openInRoot } from './static-path.ts'

export type HeadersInit = Record<string, string | number | readonly string[]>

export interface ResponseInit {
  status?: number
  headers?: HeadersInit
}

export type ResponseContent = string | Uint8Array | Readable | null

const JSON_TYPE = 'application/json'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'

/**
 * A complete answer: status, headers, body. Build one with the static helpers.
 * @example return Response.json({ ok: true }, { status: 201, headers: { location: '/items/1' } })
 */
export class Response {
  status: number
  readonly headers: Record<string, string | number | readonly string[]>
  body: ResponseContent
  /** Set to false to send this response uncompressed even when the app compresses. */
  compress: boolean | undefined = undefined

  constructor(body: ResponseContent = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200
    this.headers = { ...init.headers }
    this.body = body
  }

  static json(data: unknown, init?: ResponseInit): Response {
    return withType(new Response(JSON.stringify(data) ?? 'null', init), JSON_TYPE)
  }

  static text(text: string, init?: ResponseInit): Response {
    return withType(new Response(text, init), TEXT_TYPE)
  }

  static html(html: string, init?: ResponseInit): Response {
    return withType(new Response(html, init), HTML_TYPE)
  }

  static bytes(bytes: Uint8Array, init?: ResponseInit & { contentType?: string }): Response {
    return withType(new Response(bytes, init), init?.contentType ?? OCTET_STREAM)
  }

  /** 307 by default, like Starlette's RedirectResponse: the method and body are kept. */
  static redirect(location: string, status: 301 | 302 | 303 | 307 | 308 = 307, init?: ResponseInit): Response {
    const r = new Response(null, { ...init, status })
    r.headers.location = encodeURI(decodeURIFromSafe(location))
    return r
  }

  /** Streams a Node stream, a web ReadableStream or any (async) iterable of strings / bytes. */
  static stream(
    source: Readable | ReadableStream<Uint8Array> | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
    init?: ResponseInit & { contentType?: string },
  ): Response {
    const readable =
      source instanceof Readable
        ? source
        : source instanceof ReadableStream
          ? Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>)
          : Readable.from(source)
    return withType(new Response(readable, init), init?.contentType ?? OCTET_STREAM)
  }

  /**
   * Streams a file with its length, Last-Modified and a content type from its extension; 404 when it does not
   * exist. With `root`, `path` is relative to that folder and never leaves it: `..`, absolute paths, NUL,
   * backslashes and symlinks out of the root (unless `followSymlinks`) answer 404 too, as `staticFiles` does.
   * @example return Response.file(params.name, { root: './uploads', filename: params.name })
   */
  static async file(path: string, init?: FileInit): Promise<Response> {
    const options = { followSymlinks: init?.followSymlinks, dotfiles: true }
    const found =
      init?.root === undefined
        ? await openInRoot(resolve(path), '', options)
        : await openInRoot(init.root, path, options)
    if (found.kind !== 'file') return Response.json({ detail: 'File not found' }, { status: 404 })
    const { handle, stats } = found
    const { root: _root, followSymlinks: _follow, contentType, filename, ...responseInit } = init ?? {}
    const r = new Response(handle.createReadStream({ autoClose: true }), responseInit)
    r.headers['content-length'] = stats.size
    r.headers['last-modified'] = stats.mtime.toUTCString()
    if (filename !== undefined) {
      r.headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`
    }
    return withType(r, contentType ?? contentTypeFor(found.path))
  }

  /**
   * Adds a Set-Cookie header (RFC 6265bis). The name and value are checked (a value is percent-encoded unless
   * `encode` says otherwise), so nothing can inject an attribute or a header.
   * @example response.setCookie('session', signer.sign(id), { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600 })
   */
  setCookie(name: string, value: string, options?: CookieOptions): this {
    appendSetCookie(this.headers, serializeCookie(name, value, options))
    return this
  }

  /** Tells the browser to drop a cookie: empty value, Max-Age=0. Pass the `path` and `domain` it was set with. */
  deleteCookie(name: string, options?: Omit<CookieOptions, 'maxAge' | 'expires'>): this {
    appendSetCookie(this.headers, deletionCookie(name, options))
    return this
  }
}

/** `Response.file`'s options. */
export interface FileInit extends ResponseInit {
  /** Overrides the type guessed from the extension. */
  contentType?: string
  /** Sends `Content-Disposition: attachment` with this name. */
  filename?: string
  /** Folder `path` is relative to and may not leave. */
  root?: string
  /** With `root`: follow symlinks whose target lies outside it. @default false */
  followSymlinks?: boolean
}

/** Adds `value` to a Vary header unless it (or '*') is already listed. */
export function addVary(headers: Record<string, string | number | readonly string[]>, value: string): void {
  let key = 'vary'
  for (const k in headers) if (k.toLowerCase() === 'vary') key = k
  const current = headers[key]
  if (current === undefined || current === '') {
    headers[key] = value
    return
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current)
  const names = text.split(',').map((s) => s.trim().toLowerCase())
  if (names.includes('*') || names.includes(value.toLowerCase())) return
  headers[key] = `${text}, ${value}`
}

/**
 * Adds a request's extra headers (`ctx.responseHeaders`) to the answer: its own headers win, except
 * `set-cookie` and `vary`, which are combined.
 */
export function mergeHeaders(
  headers: Record<string, string | number | readonly string[]>,
  extra: Readonly<Record<string, string | readonly string[]>>,
): void {
  for (const key in extra) {
    const value = extra[key]!
    const name = key.toLowerCase()
    if (name === 'set-cookie') for (const v of typeof value === 'string' ? [value] : value) appendSetCookie(headers, v)
    else if (name === 'vary') for (const v of typeof value === 'string' ? [value] : value) addVary(headers, v)
    else if (!hasHeader(headers, name)) headers[key] = value
  }
}

function withType(r: Response, type: string): Response {
  if (!hasHeader(r.headers, 'content-type')) r.headers['content-type'] = type
  return r
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true
  return false
}

// keeps an already-encoded location from being encoded twice
function decodeURIFromSafe(location: string): string {
  try {
    return decodeURI(location)
  } catch {
    return location
  }
}
