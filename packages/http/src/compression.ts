// Response compression negotiated from Accept-Encoding (RFC 9110 §12.5.3, with q-values): zstd, br and
// gzip from node:zlib. Small bodies, already-encoded bodies, event streams and formats that are already
// compressed (images, archives) are sent as they are.
import type { Transform } from 'node:stream'
import * as zlib from 'node:zlib'

export type Encoding = 'zstd' | 'br' | 'gzip'

export interface CompressionOptions {
  /** Bodies smaller than this many bytes are sent uncompressed. @default 1024 */
  threshold?: number
  /**
   * Encodings offered, in the server's order of preference when the client ranks them equally.
   * @default ['zstd', 'br', 'gzip'], or ['br', 'gzip'] on a Node whose node:zlib has no zstd (before 22.15)
   */
  encodings?: readonly Encoding[]
}

export interface CompressionConfig {
  threshold: number
  encodings: readonly Encoding[]
}

// node:zlib has zstd from Node 22.15 and 23.8; on older Nodes the defaults leave it out
const HAS_ZSTD = typeof zlib.zstdCompressSync === 'function'
const DEFAULT_ENCODINGS: readonly Encoding[] = HAS_ZSTD ? ['zstd', 'br', 'gzip'] : ['br', 'gzip']

export function compressionConfig(option: boolean | CompressionOptions | undefined): CompressionConfig | undefined {
  if (option === undefined || option === false) return undefined
  const o = option === true ? {} : option
  const encodings = o.encodings ?? DEFAULT_ENCODINGS
  if (!HAS_ZSTD && encodings.includes('zstd')) {
    throw new TypeError(`compression: zstd needs Node 22.15 or later (this is Node ${process.versions.node})`)
  }
  return { threshold: o.threshold ?? 1024, encodings }
}

/** The encoding to use for `accept` (an Accept-Encoding value), or undefined for identity. */
export function negotiate(accept: string | undefined, offered: readonly Encoding[]): Encoding | undefined {
  if (accept === undefined || accept === '') return undefined
  let best: Encoding | undefined
  let bestQ = 0
  let wildcard = -1
  const explicit = new Map<string, number>()
  for (const part of accept.split(',')) {
    const [rawName, ...params] = part.trim().split(';')
    const name = rawName!.trim().toLowerCase()
    let q = 1
    for (const p of params) {
      const [k, v] = p.trim().split('=')
      if (k?.trim().toLowerCase() === 'q') q = Number(v)
    }
    if (!Number.isFinite(q)) q = 0
    if (name === '*') wildcard = q
    else explicit.set(name === 'x-gzip' ? 'gzip' : name, q)
  }
  for (const enc of offered) {
    const q = explicit.get(enc) ?? (wildcard >= 0 ? wildcard : 0)
    if (q > bestQ) {
      best = enc
      bestQ = q
    }
  }
  return best
}

const INCOMPRESSIBLE =
  /^(?:image\/(?!svg)|video\/|audio\/|font\/woff|application\/(?:zip|gzip|zstd|x-7z|x-rar|pdf|wasm|octet-stream))|^text\/event-stream/

const compressible = new Map<string, boolean>() // by content type: a handful of distinct values per app

export function isCompressible(contentType: unknown): boolean {
  if (typeof contentType !== 'string') return false
  let verdict = compressible.get(contentType)
  if (verdict === undefined) {
    verdict = !INCOMPRESSIBLE.test(contentType)
    if (compressible.size < 256) compressible.set(contentType, verdict)
  }
  return verdict
}

// invariant: levels chosen for throughput on hot responses, not for the last byte of ratio
export function compressSync(encoding: Encoding, body: string | Uint8Array): Buffer {
  switch (encoding) {
    case 'gzip':
      return zlib.gzipSync(body, { level: 6 })
    case 'br':
      return zlib.brotliCompressSync(body, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    case 'zstd':
      return zlib.zstdCompressSync(body, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } })
  }
}

export function compressStream(encoding: Encoding): Transform {
  switch (encoding) {
    case 'gzip':
      return zlib.createGzip({ level: 6, flush: zlib.constants.Z_SYNC_FLUSH })
    case 'br':
      return zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } })
    case 'zstd':
      return zlib.createZstdCompress({ params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } })
  }
}
