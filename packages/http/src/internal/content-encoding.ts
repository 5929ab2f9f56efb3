// A request body sent with Content-Encoding (RFC 9110 §8.4): gzip, deflate, br and zstd are decoded with the
// same limit as the body itself (the decoded size counts, so a small bomb cannot expand past bodyLimit);
// any other coding is refused with 415 and the codings we take in Accept-Encoding (RFC 9110 §15.5.16).
import * as zlib from 'node:zlib'
import { HTTPException } from '../errors.ts'

const HAS_ZSTD = typeof zlib.zstdDecompressSync === 'function'

type Decoder = (raw: Buffer, options: { maxOutputLength: number }) => Buffer

const DECODERS: Record<string, Decoder> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
  ...(HAS_ZSTD && { zstd: zlib.zstdDecompressSync as Decoder }),
}

const ACCEPTED = Object.keys(DECODERS)
  .filter((c) => c !== 'x-gzip')
  .join(', ')

/** 415 for a body coding the server does not decode. */
export function unsupportedEncoding(coding: string): HTTPException {
  return new HTTPException(415, `Unsupported content encoding ${JSON.stringify(coding)}; accepted: ${ACCEPTED}`, {
    'accept-encoding': ACCEPTED,
  })
}

/** True when the request declares a coding other than identity. */
export function isEncoded(header: string | undefined): header is string {
  return header !== undefined && header !== '' && header.trim().toLowerCase() !== 'identity'
}

// invariant: never returns (nor holds) more than `limit` decoded bytes; codings are undone last applied first
export function decodeBody(raw: Buffer, header: string, limit: number): Buffer {
  const codings = header.toLowerCase().split(',')
  let body = raw
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!.trim()
    if (coding === 'identity' || coding === '') continue
    const decode = DECODERS[coding]
    if (decode === undefined) throw unsupportedEncoding(coding)
    if (body.length === 0) continue
    try {
      body = decode(body, { maxOutputLength: limit })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new HTTPException(413, `Request body is larger than ${limit} bytes once decoded`, { connection: 'close' })
      }
      throw new HTTPException(400, `Request body is not valid ${coding}`, undefined, { cause: error })
    }
  }
  return body
}
