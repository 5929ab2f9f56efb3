// Writes a Response to the exchange: content-length for complete bodies, no body for HEAD, 204 and 304,
// and the negotiated compression when the app enables it.
import type { OutgoingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import { type CompressionConfig, compressStream, compressSync, isCompressible, negotiate } from './compression.ts'
import type { Exchange } from './exchange.ts'
import type { Response } from './response.ts'

// invariant: `headers` is the response's own object; a body of known size always carries content-length
export function writeResponse(
  ex: Exchange,
  response: Response,
  isHead: boolean,
  compression: CompressionConfig | undefined,
): void {
  const { status } = response
  let body = response.body
  const headers = response.headers as OutgoingHttpHeaders
  if (body === null) {
    if (status !== 204 && status !== 304 && status >= 200) headers['content-length'] = 0
    ex.send(status, headers, null)
    return
  }
  const encoding =
    compression !== undefined && !isHead && response.compress !== false && headers['content-encoding'] === undefined
      ? chooseEncoding(ex, headers, body, compression)
      : undefined
  if (body instanceof Readable) {
    if (isHead) {
      body.destroy()
      ex.send(status, headers, null)
      return
    }
    if (encoding !== undefined) {
      headers['content-encoding'] = encoding
      delete headers['content-length']
      body = body.pipe(compressStream(encoding))
    }
    ex.pipe(status, headers, body)
    return
  }
  if (encoding !== undefined) {
    body = compressSync(encoding, body)
    headers['content-encoding'] = encoding
  }
  headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
  ex.send(status, headers, isHead || status === 204 || status === 304 ? null : body)
}

function chooseEncoding(
  ex: Exchange,
  headers: OutgoingHttpHeaders,
  body: string | Uint8Array | Readable,
  compression: CompressionConfig,
) {
  // a UTF-8 string takes at most 3 bytes per UTF-16 unit: short ones are below the threshold without counting
  if (typeof body === 'string' && body.length * 3 < compression.threshold) return undefined
  const size =
    body instanceof Readable ? Number(headers['content-length'] ?? Number.POSITIVE_INFINITY) : byteLength(body)
  if (size < compression.threshold || !isCompressible(headers['content-type'])) return undefined
  headers.vary = headers.vary === undefined ? 'Accept-Encoding' : `${headers.vary}, Accept-Encoding`
  const accept = ex.headers['accept-encoding']
  return negotiate(Array.isArray(accept) ? accept.join(',') : accept, compression.encodings)
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
}
