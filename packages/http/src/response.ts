// What a handler may return besides a plain value (which becomes JSON): a Response with a status,
// headers and a body that is text, bytes, a stream or a file.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { Readable } from 'node:stream'

export type HeadersInit = Record<string, string | number | readonly string[]>

export interface ResponseInit {
  status?: number
  headers?: HeadersInit
}

export type ResponseContent = string | Uint8Array | Readable | null

const JSON_TYPE = 'application/json'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const HTML_TYPE = 'text/html; charset=utf-8'
const BYTES_TYPE = 'application/octet-stream'

const MIME: Record<string, string> = {
  '.html': HTML_TYPE,
  '.htm': HTML_TYPE,
  '.txt': TEXT_TYPE,
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': JSON_TYPE,
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml',
}

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
    return withType(new Response(bytes, init), init?.contentType ?? BYTES_TYPE)
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
    return withType(new Response(readable, init), init?.contentType ?? BYTES_TYPE)
  }

  /** Streams a file with its length and a content type from its extension; 404 when it does not exist. */
  static async file(
    path: string,
    init?: ResponseInit & { contentType?: string; filename?: string },
  ): Promise<Response> {
    const info = await stat(path).catch(() => undefined)
    if (info === undefined || !info.isFile()) return Response.json({ detail: 'File not found' }, { status: 404 })
    const r = new Response(createReadStream(path), init)
    r.headers['content-length'] = info.size
    r.headers['last-modified'] = info.mtime.toUTCString()
    if (init?.filename !== undefined) {
      r.headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(init.filename)}`
    }
    return withType(r, init?.contentType ?? MIME[extname(path).toLowerCase()] ?? BYTES_TYPE)
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
